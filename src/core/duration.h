// A human duration as typed in Slack or on the command line ("1h30m", "2 hours", "1.5h") and its short
// rendering ("1 h 30 min"). Pure functions; thread-safe.
//
// Accepted: one or more <number><unit> groups, optionally separated by spaces or "and", each unit at most
// once and from the largest to the smallest (days, hours, minutes). Units, case-insensitive: d day days,
// h hr hrs hour hours, m min mins minute minutes. A number may carry a decimal fraction ("1.5h", "0.5 day")
// as long as the total is a whole number of minutes: the result is exact, never rounded, so "1.01h" is
// rejected rather than silently becoming 61 minutes.
// Rejected with a message meant for the person who typed it: an empty text, a bare number ("90" — minutes
// or hours?), zero, negatives, unknown units, repeated or out-of-order units, and anything longer than
// max_duration (366 days), which also keeps the arithmetic far from overflow.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"

namespace devenv {

inline constexpr std::chrono::minutes max_duration{366 * 24 * 60};

result<std::chrono::minutes> parse_duration(std::string_view text);

// "1 d 2 h 5 min", "1 h 30 min", "45 min", "0 min"; negative durations get a leading '-'.
std::string format_duration(std::chrono::minutes d);

}  // namespace devenv
