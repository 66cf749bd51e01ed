#include "server/webhook_client.h"

#include <curl/curl.h>

#include <memory>

namespace kubesim {

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Responses larger than this are refused, as the apiserver bounds what it reads from a webhook.
constexpr std::size_t max_response_bytes = 3 << 20;

std::size_t collect_bounded(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * count > max_response_bytes) return 0;  // aborts the transfer
  return collect(data, size, count, user);
}

}  // namespace

tl::expected<webhook_call_response, std::string> post_admission_review(const webhook_call_request& request) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return tl::unexpected(std::string("cannot create a libcurl handle"));
  CURL* h = curl.get();
  webhook_call_response response;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json, */*");
  headers = curl_slist_append(headers, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers, &curl_slist_free_all);
  curl_slist* pins = nullptr;
  if (!request.resolve.empty()) pins = curl_slist_append(pins, request.resolve.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> pin_list(pins, &curl_slist_free_all);

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");  // webhooks are HTTPS only, like the apiserver's
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "kube-apiserver-admission");
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &collect_bounded);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  if (pins != nullptr) curl_easy_setopt(h, CURLOPT_RESOLVE, pins);
  if (!request.ca_pem.empty()) {
    curl_blob blob{const_cast<char*>(request.ca_pem.data()), request.ca_pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
  }
  char detail[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);

  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    std::string why = code == CURLE_OPERATION_TIMEDOUT ? "context deadline exceeded"
                      : detail[0] != '\0'              ? std::string(detail)
                                                       : std::string(curl_easy_strerror(code));
    return tl::unexpected("Post \"" + request.url + "\": " + why);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace kubesim
