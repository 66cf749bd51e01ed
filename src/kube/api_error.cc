#include "kube/api_error.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace devenv::kube {
namespace {

std::string_view default_reason(int http_status) {
  switch (http_status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Invalid";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "Timeout";
    default:
      return "Unknown";
  }
}

}  // namespace

status_error parse_status(int http_status, std::string_view body) {
  status_error status{http_status, "", ""};
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object() && parsed.value("kind", "") == "Status") {
    if (auto it = parsed.find("reason"); it != parsed.end() && it->is_string()) status.reason = *it;
    if (auto it = parsed.find("message"); it != parsed.end() && it->is_string()) status.message = *it;
  } else {
    constexpr std::size_t excerpt = 200;
    status.message = std::string(body.substr(0, excerpt));
  }
  if (status.reason.empty()) status.reason = default_reason(http_status);
  return status;
}

errc errc_for_status(int http_status) {
  switch (http_status) {
    case 400:
    case 422:
      return errc::invalid_argument;
    case 401:
      return errc::unauthorized;
    case 403:
      return errc::forbidden;
    case 404:
      return errc::not_found;
    case 409:
      return errc::conflict;
    case 410:
      return errc::conflict;  // stale resourceVersion: the caller must re-read (relist)
    case 429:
      return errc::too_many_requests;
    case 504:
      return errc::timeout;
    default:
      return http_status >= 500 && http_status < 600 ? errc::unavailable : errc::internal;
  }
}

error to_error(const status_error& status, std::string_view verb, std::string_view path) {
  return error{
      errc_for_status(status.http_status),
      fmt::format("{}: {} ({} {}: HTTP {})", status.reason, status.message, verb, path, status.http_status)};
}

bool is_already_exists(const error& e) {
  return e.code == errc::conflict && e.message.rfind("AlreadyExists:", 0) == 0;
}

bool is_gone(const error& e) {
  return e.code == errc::conflict &&
         (e.message.rfind("Gone:", 0) == 0 || e.message.rfind("Expired:", 0) == 0);
}

}  // namespace devenv::kube
