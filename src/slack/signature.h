// Slack request signing (v0): X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" +
// raw body)), with X-Slack-Request-Timestamp bounding replays. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"

namespace devenv::slack {

inline constexpr std::chrono::seconds default_signature_tolerance{std::chrono::minutes{5}};

// Checks the signature over the exact bytes received (never a re-encoded form) and that the timestamp is
// within `tolerance` of `now` in either direction. Every failure is errc::unauthorized — the HTTP layer
// answers 401 and does nothing else — with a message for the server log that never contains the secret or
// the expected signature. Hex digits are accepted in either case; the comparison is constant-time.
result<void> verify_signature(std::string_view signing_secret, std::string_view timestamp_header,
                              std::string_view signature_header, std::string_view raw_body,
                              std::chrono::system_clock::time_point now,
                              std::chrono::seconds tolerance = default_signature_tolerance);

// The X-Slack-Signature value Slack would send ("v0=" + 64 lowercase hex digits); for tests and fake Slack.
std::string sign(std::string_view signing_secret, std::string_view timestamp, std::string_view raw_body);

}  // namespace devenv::slack
