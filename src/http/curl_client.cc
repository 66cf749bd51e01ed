#include "http/curl_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace devenv::http {
namespace {

// curl_global_init is not thread-safe and must run once before any other libcurl call; the process never
// calls curl_global_cleanup because other threads may still be using handles at exit.
void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() &&
         (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  return text;
}

// The URL as it may appear in logs and errors: no query string (it may hold tokens in some APIs).
std::string_view loggable_url(std::string_view url) {
  auto cut = url.find_first_of("?#");
  return cut == std::string_view::npos ? url : url.substr(0, cut);
}

enum class body_mode { undecided, stream, collect };

struct transfer {
  const client_request* request = nullptr;
  CURL* handle = nullptr;
  client_response response;
  body_mode mode = body_mode::undecided;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after 100 Continue or a redirect): earlier headers belonged to another response.
    t->response.headers.clear();
    return size * count;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->response.headers.emplace(lower(trim(line.substr(0, colon))),
                                std::string(trim(line.substr(colon + 1))));
  }
  return size * count;
}

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<transfer*>(user);
  std::string_view chunk(data, size * count);
  if (t->request->on_body && t->mode == body_mode::undecided) {
    // Headers are complete once the first body byte arrives, so the status is final here.
    long code = 0;
    curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &code);
    t->mode = (code >= 200 && code < 300) ? body_mode::stream : body_mode::collect;
  }
  if (t->mode == body_mode::stream) {
    if (!t->request->on_body(chunk)) {
      t->response.stopped_early = true;
      return 0;  // makes libcurl abort with CURLE_WRITE_ERROR, which perform() treats as a clean stop
    }
    return chunk.size();
  }
  t->response.body.append(chunk);
  return chunk.size();
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<transfer*>(user);
  if (t->request->should_stop && t->request->should_stop()) {
    t->response.stopped_early = true;
    return 1;  // CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

}  // namespace

std::string_view client_response::header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

struct curl_client::pool {
  mutable std::mutex mutex;
  std::vector<CURL*> idle;

  ~pool() {
    for (CURL* handle : idle) curl_easy_cleanup(handle);
  }
};

curl_client::curl_client(curl_client_options options)
    : options_(std::move(options)), pool_(std::make_unique<pool>()) {
  global_init_once();
}

curl_client::~curl_client() = default;

std::size_t curl_client::idle_handles() const {
  std::lock_guard lock(pool_->mutex);
  return pool_->idle.size();
}

result<client_response> curl_client::perform(const client_request& request) const {
  CURL* handle = nullptr;
  {
    std::lock_guard lock(pool_->mutex);
    if (!pool_->idle.empty()) {
      handle = pool_->idle.back();
      pool_->idle.pop_back();
    }
  }
  if (handle == nullptr) handle = curl_easy_init();
  if (handle == nullptr) return fail(errc::internal, "curl_easy_init failed");
  // Reset clears options but keeps the handle's connection cache, which is the point of pooling.
  curl_easy_reset(handle);

  transfer t;
  t.request = &request;
  t.handle = handle;

  struct slist_guard {
    curl_slist* list = nullptr;
    ~slist_guard() { curl_slist_free_all(list); }
  } headers;
  for (const auto& [name, value] : request.headers) {
    headers.list = curl_slist_append(headers.list, fmt::format("{}: {}", name, value).c_str());
  }
  // libcurl would otherwise send "Expect: 100-continue" for larger bodies and wait for an answer.
  headers.list = curl_slist_append(headers.list, "Expect:");

  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we are multi-threaded
  curl_easy_setopt(handle, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
  if (request.low_speed_bytes > 0 && request.low_speed_time.count() > 0) {
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, request.low_speed_bytes);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.low_speed_time.count()));
  }
  curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);

  if (request.method == "GET") {
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
  }

  // TLS. Blobs are copied by libcurl, so the request may go away after perform().
  const auto& tls = request.tls;
  auto set_blob = [&](CURLoption option, const std::string& pem) {
    curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(handle, option, &blob);
  };
  if (!tls.ca_pem.empty()) {
    set_blob(CURLOPT_CAINFO_BLOB, tls.ca_pem);
  } else if (!tls.ca_file.empty()) {
    curl_easy_setopt(handle, CURLOPT_CAINFO, tls.ca_file.c_str());
  }
  if (!tls.client_cert_pem.empty()) {
    set_blob(CURLOPT_SSLCERT_BLOB, tls.client_cert_pem);
    curl_easy_setopt(handle, CURLOPT_SSLCERTTYPE, "PEM");
  } else if (!tls.client_cert_file.empty()) {
    curl_easy_setopt(handle, CURLOPT_SSLCERT, tls.client_cert_file.c_str());
    curl_easy_setopt(handle, CURLOPT_SSLCERTTYPE, "PEM");
  }
  if (!tls.client_key_pem.empty()) {
    set_blob(CURLOPT_SSLKEY_BLOB, tls.client_key_pem);
    curl_easy_setopt(handle, CURLOPT_SSLKEYTYPE, "PEM");
  } else if (!tls.client_key_file.empty()) {
    curl_easy_setopt(handle, CURLOPT_SSLKEY, tls.client_key_file.c_str());
    curl_easy_setopt(handle, CURLOPT_SSLKEYTYPE, "PEM");
  }
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &on_write);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &t);
  if (request.should_stop) {
    curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &t);
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);

  CURLcode code = curl_easy_perform(handle);
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);

  {
    std::lock_guard lock(pool_->mutex);
    if (pool_->idle.size() < options_.max_idle_handles) {
      pool_->idle.push_back(handle);
      handle = nullptr;
    }
  }
  if (handle != nullptr) curl_easy_cleanup(handle);

  t.response.status = status;
  bool clean_stop =
      t.response.stopped_early && (code == CURLE_WRITE_ERROR || code == CURLE_ABORTED_BY_CALLBACK);
  if (code == CURLE_OK || clean_stop) return std::move(t.response);

  std::string detail =
      error_buffer[0] != '\0' ? std::string(error_buffer) : std::string(curl_easy_strerror(code));
  auto where = fmt::format("{} {}", request.method, loggable_url(request.url));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return fail(errc::timeout, fmt::format("{}: timed out: {}", where, detail));
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return fail(errc::invalid_argument, fmt::format("{}: {}", where, detail));
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return fail(errc::unavailable, fmt::format("connect: {}: {}", where, detail));
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      // Our own TLS material is unusable: retrying will not help, and nothing was sent.
      return fail(errc::invalid_argument, fmt::format("{}: TLS setup: {}", where, detail));
    default:
      return fail(errc::unavailable, fmt::format("{}: {}", where, detail));
  }
}

}  // namespace devenv::http
