#include "kube/client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <mutex>
#include <random>
#include <thread>

#include "kube/api_error.h"

namespace devenv::kube {
namespace {

using steady = std::chrono::steady_clock;

std::string escape(std::string_view value) {
  // libcurl ignores the handle argument of curl_easy_escape; percent-encodes everything but unreserved chars.
  char* encoded = curl_easy_escape(nullptr, value.data(), static_cast<int>(value.size()));
  if (encoded == nullptr) return std::string(value);
  std::string out(encoded);
  curl_free(encoded);
  return out;
}

void add_param(std::string& query, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  if (!query.empty()) query += '&';
  query += name;
  query += '=';
  query += escape(value);
}

std::string list_query(const list_options& options) {
  std::string query;
  add_param(query, "labelSelector", options.label_selector);
  add_param(query, "fieldSelector", options.field_selector);
  if (options.limit > 0) add_param(query, "limit", std::to_string(options.limit));
  add_param(query, "continue", options.continue_token);
  add_param(query, "resourceVersion", options.resource_version);
  return query;
}

attempt_outcome outcome_of(const result<http::client_response>& response) {
  attempt_outcome outcome;
  if (response) {
    outcome.http_status = static_cast<int>(response->status);
    outcome.retry_after = parse_retry_after(response->header("retry-after"));
  } else if (response.error().code == errc::timeout) {
    outcome.what = attempt_outcome::kind::timeout;
  } else if (response.error().message.rfind("connect:", 0) == 0) {
    outcome.what = attempt_outcome::kind::connect_failed;
  } else {
    outcome.what = attempt_outcome::kind::transport;
  }
  return outcome;
}

result<json> parse_body(const http::client_response& response, std::string_view verb, std::string_view path) {
  if (response.status >= 400 || response.status < 200) {
    return tl::unexpected(
        to_error(parse_status(static_cast<int>(response.status), response.body), verb, path));
  }
  if (response.body.empty()) return json::object();
  auto parsed = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return fail(errc::unavailable,
                fmt::format("{} {}: HTTP {} with a body that is not JSON", verb, path, response.status));
  }
  return parsed;
}

}  // namespace

client::client(connection_config config, client_options options, std::shared_ptr<http::curl_client> http)
    : config_(std::move(config)), options_(std::move(options)), http_(std::move(http)) {
  if (!http_) http_ = std::make_shared<http::curl_client>(http::curl_client_options{config_.user_agent});
  if (!options_.now) options_.now = [] { return steady::now(); };
  if (!options_.sleep) options_.sleep = [](steady::duration d) { std::this_thread::sleep_for(d); };
  if (!options_.random01) {
    struct state {
      std::mutex mutex;
      std::mt19937_64 engine{std::random_device{}()};
    };
    options_.random01 = [s = std::make_shared<state>()] {
      std::lock_guard lock(s->mutex);
      return std::uniform_real_distribution<double>(0.0, 1.0)(s->engine);
    };
  }
  tls_.ca_file = config_.ca_file;
  tls_.ca_pem = config_.ca_data;
  tls_.client_cert_file = config_.client_cert_file;
  tls_.client_cert_pem = config_.client_cert_data;
  tls_.client_key_file = config_.client_key_file;
  tls_.client_key_pem = config_.client_key_data;
  tls_.insecure_skip_verify = config_.insecure_skip_tls_verify;
  if (!config_.token_file.empty()) {
    token_ = token_source::from_file(config_.token_file);
  } else if (!config_.token.empty()) {
    token_ = token_source::fixed(config_.token);
  }
  limiter_ = std::make_unique<rate_limiter>(options_.qps, options_.burst, options_.now());
}

http::client_request client::make_request(std::string method, std::string_view path,
                                          const std::string& query) const {
  http::client_request request;
  request.method = std::move(method);
  request.url = config_.server + std::string(path);
  if (!query.empty()) request.url += (path.find('?') == std::string_view::npos ? "?" : "&") + query;
  request.headers.emplace_back("Accept", "application/json");
  request.timeout = options_.request_timeout;
  request.connect_timeout = options_.connect_timeout;
  request.tls = tls_;
  return request;
}

result<http::client_response> client::attempt(std::string_view verb, http::client_request& request) {
  limiter_->acquire(options_.now, options_.sleep);
  auto token = token_.get(options_.now());
  if (!token) return tl::unexpected(token.error());
  // The token is re-read per attempt (it may rotate between retries); replace any earlier Authorization.
  std::erase_if(request.headers, [](const auto& h) { return h.first == "Authorization"; });
  if (!token->empty()) request.headers.emplace_back("Authorization", "Bearer " + *token);
  auto started = options_.now();
  auto response = http_->perform(request);
  if (options_.observer) {
    options_.observer(verb, response ? static_cast<int>(response->status) : 0, options_.now() - started);
  }
  return response;
}

result<http::client_response> client::execute(std::string_view verb, http::client_request request,
                                              bool idempotent) {
  for (int attempt_number = 1;; ++attempt_number) {
    auto response = attempt(verb, request);
    if (response && response->status < 400) return response;
    if (!response && response.error().code == errc::invalid_argument) return response;  // our own bad input
    auto delay =
        retry_delay(options_.retry, attempt_number, outcome_of(response), idempotent, options_.random01());
    if (!delay) return response;
    options_.sleep(*delay);
  }
}

result<json> client::json_call(std::string_view verb, const std::string& method, std::string_view path,
                               const std::string& query, std::string body, std::string content_type,
                               bool idempotent) {
  auto request = make_request(method, path, query);
  request.body = std::move(body);
  if (!content_type.empty()) request.headers.emplace_back("Content-Type", std::move(content_type));
  auto response = execute(verb, std::move(request), idempotent);
  if (!response) return tl::unexpected(response.error());
  return parse_body(*response, verb, path);
}

result<json> client::get(std::string_view path) {
  return json_call("GET", "GET", path, "", "", "", true);
}

result<json> client::list(std::string_view path, const list_options& options) {
  return json_call("LIST", "GET", path, list_query(options), "", "", true);
}

result<json> client::list_all(std::string_view path, list_options options) {
  const std::string first_token = options.continue_token;
  constexpr int max_restarts = 3;
  int restarts = 0;
  json items = json::array();
  for (;;) {
    auto page = list(path, options);
    if (!page) {
      // An expired continue token (410) means the snapshot is gone: start over, like client-go's pager.
      if (is_gone(page.error()) && !options.continue_token.empty() && restarts++ < max_restarts) {
        items = json::array();
        options.continue_token = first_token;
        continue;
      }
      return page;
    }
    if (auto it = page->find("items"); it != page->end() && it->is_array()) {
      for (auto& item : *it) items.push_back(std::move(item));
    }
    std::string next = page->contains("metadata") ? (*page)["metadata"].value("continue", "") : "";
    if (next.empty()) {
      (*page)["items"] = std::move(items);
      if (page->contains("metadata")) (*page)["metadata"].erase("continue");
      return page;
    }
    options.continue_token = std::move(next);
  }
}

result<json> client::create(std::string_view path, const json& object) {
  return json_call("CREATE", "POST", path, "fieldManager=" + escape(options_.field_manager), object.dump(),
                   "application/json", false);
}

result<json> client::merge_patch(std::string_view path, json patch,
                                 std::optional<std::string> resource_version) {
  if (!patch.is_object())
    return fail(errc::invalid_argument, fmt::format("PATCH {}: a merge patch must be an object", path));
  if (resource_version) patch["metadata"]["resourceVersion"] = *resource_version;
  return json_call("PATCH", "PATCH", path, "fieldManager=" + escape(options_.field_manager), patch.dump(),
                   "application/merge-patch+json", true);
}

result<json> client::remove(std::string_view path) {
  return json_call("DELETE", "DELETE", path, "propagationPolicy=Background", "", "", true);
}

result<watch_end> client::watch(std::string_view path, const watch_options& options,
                                const std::function<void(const watch_event&)>& on_event,
                                const std::atomic<bool>& stop) {
  std::string query = "watch=true&allowWatchBookmarks=true";
  add_param(query, "resourceVersion", options.resource_version);
  add_param(query, "labelSelector", options.label_selector);
  add_param(query, "fieldSelector", options.field_selector);
  add_param(query, "timeoutSeconds", std::to_string(options_.watch_timeout.count()));
  auto request = make_request("GET", path, query);
  // The server ends the stream after timeoutSeconds; the local deadline is a backstop a little later.
  request.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options_.watch_timeout) +
                    std::chrono::seconds(30);
  request.low_speed_bytes = 1;
  request.low_speed_time = options_.watch_idle_limit;
  request.should_stop = [&stop] { return stop.load(); };

  watch_end end;
  end.resource_version = options.resource_version;
  std::optional<error> stream_error;
  std::exception_ptr callback_exception;
  std::string buffer;
  bool received = false;
  // Handles one line-delimited event; false ends the stream.
  auto handle_line = [&](std::string_view line) -> bool {
    if (line.empty()) return true;
    auto event = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || !event.contains("type") || !event["type"].is_string()) {
      stream_error = error{errc::unavailable, fmt::format("WATCH {}: malformed event", path)};
      return false;
    }
    std::string type = event["type"];
    json object = event.value("object", json::object());
    if (type == "ERROR") {
      int code = object.value("code", 500);
      if (code == 410) {
        end.why = watch_end::reason::expired;
      } else {
        stream_error = to_error(parse_status(code, object.dump()), "WATCH", path);
      }
      return false;
    }
    if (object.contains("metadata") && object["metadata"].is_object()) {
      std::string rv = object["metadata"].value("resourceVersion", "");
      if (!rv.empty()) end.resource_version = std::move(rv);
    }
    if (type == "BOOKMARK") return true;
    on_event(watch_event{std::move(type), std::move(object)});
    return !stop.load();
  };
  request.on_body = [&](std::string_view chunk) -> bool {
    received = true;
    buffer.append(chunk);
    std::size_t start = 0;
    bool keep_going = true;
    try {
      for (auto nl = buffer.find('\n', start); keep_going && nl != std::string::npos;
           nl = buffer.find('\n', start)) {
        keep_going = handle_line(std::string_view(buffer).substr(start, nl - start));
        start = nl + 1;
      }
    } catch (...) {
      // Exceptions must not unwind through libcurl's C frames: carry it out and rethrow after perform().
      callback_exception = std::current_exception();
      keep_going = false;
    }
    buffer.erase(0, start);
    return keep_going;
  };

  auto response = attempt("WATCH", request);
  if (callback_exception) std::rethrow_exception(callback_exception);
  if (stream_error) return tl::unexpected(*stream_error);
  if (end.why == watch_end::reason::expired) return end;
  if (stop.load()) {
    end.why = watch_end::reason::stopped;
    return end;
  }
  if (!response) {
    // A timeout or a reset after the stream was established is the normal end of a long watch.
    if (received || response.error().code == errc::timeout) return end;
    return tl::unexpected(response.error());
  }
  if (response->status == 410) {
    end.why = watch_end::reason::expired;
    return end;
  }
  if (response->status >= 300) {
    return tl::unexpected(
        to_error(parse_status(static_cast<int>(response->status), response->body), "WATCH", path));
  }
  if (!buffer.empty() && end.why == watch_end::reason::closed) handle_line(buffer);
  return end;
}

}  // namespace devenv::kube
