// libFuzzer target: durations as people type them (the prolong body's "duration", Slack's /devenv
// prolongate, the CLI) through parse_duration. Invariants: an accepted duration is positive, within
// max_duration, and its rendering parses back to the same value.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/duration.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = devenv::parse_duration(text);
  if (!parsed) {
    check(!parsed.error().message.empty());
    return 0;
  }
  check(parsed->count() > 0 && *parsed <= devenv::max_duration);
  const auto again = devenv::parse_duration(devenv::format_duration(*parsed));
  check(again.has_value() && *again == *parsed);
  return 0;
}
