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

http::response error_response(const error& e) {
  return error_response(http_status_for(e.code), to_string(e.code), e.message);
}

}  // namespace devenv::api
