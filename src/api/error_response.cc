#include "api/error_response.h"

#include <nlohmann/json.hpp>

namespace devenv::api {

unsigned http_status_for(errc code) {
  switch (code) {
    case errc::invalid_argument:
      return 400;
    case errc::unauthorized:
      return 401;
    case errc::forbidden:
    case errc::protected_namespace:
      return 403;
    case errc::not_found:
      return 404;
    case errc::conflict:
      return 409;
    case errc::too_many_requests:
      return 429;
    case errc::unavailable:
      return 503;
    case errc::timeout:
      return 504;
    case errc::internal:
      return 500;
  }
  return 500;
}

http::response error_response(unsigned status, std::string_view code, std::string_view message) {
  nlohmann::json body{{"code", code}, {"message", message}};
  auto r = http::response::json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (status == 401) r.header("WWW-Authenticate", "Bearer");
  return r;
}

namespace {

// The Kubernetes client names a failed call by its method and URL (curl_client.h); a bare "GET https://...:
// SSL_ERROR_SYSCALL" does not tell an API user what is wrong, so an unavailable one says it was Kubernetes.
bool names_a_kubernetes_call(std::string_view message) {
  for (std::string_view verb : {"GET ", "LIST ", "POST ", "PUT ", "PATCH ", "DELETE ", "CREATE ", "WATCH "}) {
    if (message.starts_with(verb)) return true;
  }
  return false;
}

}  // namespace

http::response error_response(const error& e) {
  if (e.code == errc::unavailable && names_a_kubernetes_call(e.message)) {
    auto r = error_response(503, to_string(e.code),
                            "the Kubernetes API is unavailable, try again shortly (" + e.message + ")");
    // Stop and start are idempotent, so a client may simply repeat the request once the API is back.
    r.header("Retry-After", "5");
    return r;
  }
  return error_response(http_status_for(e.code), to_string(e.code), e.message);
}

}  // namespace devenv::api
