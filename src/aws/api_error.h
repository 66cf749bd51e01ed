// An AWS API failure as a typed value: the service's error code ("InvalidInstanceID.NotFound",
// "IncorrectInstanceState", "InvalidDBInstanceState", "Throttling", ...), its message and request id, the
// HTTP status, and the project-wide errc it maps to. Transport failures (no answer) have an empty code.
// parse_error_response() is pure and accepts every error body shape our services answer: EC2
// (<Response><Errors><Error>), RDS/STS Query (<ErrorResponse><Error>) and JSON 1.0 (__type/message).
//
// Thread-safety: values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "core/error.h"

namespace devenv::aws {

struct api_error {
  errc kind = errc::unavailable;
  std::string code;        // AWS error code; empty for transport failures
  std::string message;     // AWS message or transport description (never contains credentials)
  std::string request_id;  // x-amzn-requestid / <RequestID> when known
  long http_status = 0;    // 0 when there was no answer

  bool throttling() const;
  // "IncorrectInstanceState: The instance 'i-1' is not in a state from which it can be stopped. (request
  // id 1234)".
  std::string describe() const;
  devenv::error to_error() const { return {kind, describe()}; }
};

template <class T>
using aws_result = tl::expected<T, api_error>;

inline tl::unexpected<api_error> fail_aws(api_error e) {
  return tl::unexpected<api_error>(std::move(e));
}

// True for the codes AWS uses for rate limiting (Throttling, ThrottlingException, RequestLimitExceeded,
// RequestThrottled, TooManyRequestsException, ProvisionedThroughputExceededException, SlowDown, ...).
bool is_throttling_code(std::string_view code);

// Parses an error body; an unparsable body yields code "" and a message naming the HTTP status.
api_error parse_error_response(long http_status, std::string_view body,
                               std::string_view request_id_header = {});

// The errc for an AWS answer: throttling → too_many_requests, 5xx → unavailable, auth codes → unauthorized,
// AccessDenied* / UnauthorizedOperation → forbidden, *NotFound → not_found, other 4xx → invalid_argument.
errc classify(long http_status, std::string_view code);

}  // namespace devenv::aws
