// How a devenv::error becomes an HTTP answer: the status code for each errc and the JSON body
// {"code": "<stable code>", "message": "<human text>"} documented in api/openapi.yaml. Pure.
#pragma once

#include <string_view>

#include "core/error.h"
#include "http/message.h"

namespace devenv::api {

unsigned http_status_for(errc code);
http::response error_response(const error& e);
http::response error_response(unsigned status, std::string_view code, std::string_view message);

}  // namespace devenv::api
