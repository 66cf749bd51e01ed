// The JSON request bodies of the REST API as values, in the shapes api/openapi.yaml documents
// (ActionRequest, ProlongRequest, SupportPodRequest). Pure parsers over untrusted text (fuzzed by
// fuzz/fuzz_api_bodies.cc): anything but the documented shape is errc::invalid_argument with a message naming
// the problem, never an exception. Checks that need the server's state (does the environment exist, is the
// support pod's name free, is the size configured) stay with the services the routes call.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace devenv::api {

// At most this many characters (Unicode code points, as JSON Schema's maxLength counts) in a stop/start
// reason.
inline constexpr std::size_t max_reason_chars = 200;

// POST /environments/{name}/stop and /start: no body (empty or blank) or {"reason": "..."}.
struct action_request {
  std::string reason;  // empty when absent
  bool operator==(const action_request&) const = default;
};
result<action_request> parse_action_body(std::string_view body);

// POST /environments/{name}/prolong: {"duration": "1h"} with an optional string "reason". The duration is
// parsed by parse_duration (positive, whole minutes, at most max_duration); max_prolong is the schedule's.
struct prolong_request {
  std::chrono::minutes duration{0};
  std::string reason;  // empty when absent
  bool operator==(const prolong_request&) const = default;
};
result<prolong_request> parse_prolong_body(std::string_view body);

// POST /support-pods: {"name": "manage1", "size": "XL"}; name required, size optional ("" when absent). Both
// must be strings; whether the name is an RFC 1123 label and the size is known is support_service's to say.
struct support_pod_request {
  std::string name;
  std::string size;
  bool operator==(const support_pod_request&) const = default;
};
result<support_pod_request> parse_support_pod_body(std::string_view body);

}  // namespace devenv::api
