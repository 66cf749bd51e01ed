// RFC 3339 timestamps as Kubernetes writes them ("2026-11-27T18:00:00Z", UTC, whole seconds) and parsing of
// any RFC 3339 form (fractional seconds, numeric offsets). Pure.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace devenv {

std::string format_rfc3339(std::chrono::system_clock::time_point t);
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace devenv
