// How a failed Kubernetes API call becomes a devenv::error: the HTTP status plus the meta/v1 Status body
// (reason, message) map to a stable errc, and the message keeps the reason so callers can tell e.g.
// AlreadyExists from a resourceVersion Conflict (both 409). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace devenv::kube {

// A Kubernetes API failure as the server reported it.
struct status_error {
  int http_status = 0;
  std::string reason;   // StatusReason: NotFound, AlreadyExists, Conflict, Invalid, Forbidden, Expired, ...
  std::string message;  // the server's human text
};

// Parses a Status object body; when the body is not a Status (a proxy's HTML page, empty), reason is derived
// from the HTTP status and message is a short excerpt of the body.
status_error parse_status(int http_status, std::string_view body);

// 404 not_found, 409 conflict, 403 forbidden, 401 unauthorized, 400/422 invalid_argument,
// 429 too_many_requests, 504 timeout, other 5xx unavailable, anything else internal.
errc errc_for_status(int http_status);

// The error value returned to callers: "<Reason>: <message> (<verb> <path>: HTTP <status>)".
error to_error(const status_error& status, std::string_view verb, std::string_view path);

// True when `e` came from a 409 AlreadyExists (a create of an existing object), as opposed to a
// resourceVersion conflict, which should be re-read and retried.
bool is_already_exists(const error& e);
// True for 410 Gone / Expired (a watch or continue token that is too old: relist).
bool is_gone(const error& e);

}  // namespace devenv::kube
