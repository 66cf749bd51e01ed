// cron_expression: a parsed 5-field cron schedule with exactly the semantics the Kubernetes CronJob
// controller gives `spec.schedule` (it parses with robfig/cron v3 `ParseStandard` and, when
// `spec.timeZone` is set, evaluates the schedule in that zone). Immutable value type: safe to share
// between threads once constructed.
//
// Syntax (robfig/cron v3 standard parser):
//   minute(0-59) hour(0-23) day-of-month(1-31) month(1-12 or JAN-DEC) day-of-week(0-6 or SUN-SAT)
//   each field is a comma list of `*`, `?`, `N`, `A-B`, `*/S`, `A-B/S`, `N/S` (= N-max/S); names are
//   case-insensitive and allowed at either end of a range. Macros: @yearly @annually @monthly @weekly
//   @daily @midnight @hourly.
// Deliberate deviations from classic Vixie cron, because Kubernetes is the judge of what we write:
//   - day-of-week 7 is rejected (robfig's bounds are 0-6: "end of range (7) above maximum (6)"), so a
//     schedule we accept is never refused by the API server. Use 0 or SUN for Sunday.
//   - @every, TZ= / CRON_TZ= prefixes are rejected: the zone belongs in spec.timeZone.
// Day-of-month / day-of-week: robfig v3 marks a field "star" when one of its items is `*` or `?` with
//   no step or step 1 (`*/2` is NOT a star: getRange clears starBit when step > 1). If either field is a
//   star, a day must match both; if both are restricted, a day matches when EITHER matches
//   (robfig spec.go dayMatches; spec_test "If both are specified, then only one needs to match").
//
// Time zones and DST (next_after): a firing is a whole-minute instant whose wall-clock time in the zone
// matches the fields. This is what robfig's SpecSchedule.Next does in the zone (it walks real time,
// comparing wall-clock fields), hence for the CronJob controller:
//   - spring forward: a wall time inside the gap never exists, so it does not fire that day (robfig
//     spec_test: "0 30 2 11 Mar ?" from 2012-03-11T00:00-05:00 in America/New_York next fires on
//     2013-03-11T02:30-04:00 — the 2012 occurrence is skipped, not moved to 03:30);
//   - fall back: a wall time inside the repeated hour exists twice and fires twice (robfig spec_test:
//     "0 30 1 04 Nov ?" from 2012-11-04T01:45-04:00 gives 2012-11-04T01:30-05:00).
// Like robfig, next_after gives up (nullopt) when nothing matches before the end of the year five years
// after the start (e.g. "0 0 30 2 *").
#pragma once

#include <date/tz.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace devenv {

enum class cron_field { minute = 0, hour, day_of_month, month, day_of_week };

class cron_expression {
 public:
  // Parses `text`; errors name the field, the offending item and the allowed range.
  static result<cron_expression> parse(std::string_view text);

  // The first firing strictly after `after`, evaluated in the wall-clock time of `zone` (not null).
  std::optional<std::chrono::system_clock::time_point> next_after(std::chrono::system_clock::time_point after,
                                                                  const date::time_zone* zone) const;

  // True when the wall-clock minute `local` (seconds ignored) matches the schedule.
  bool matches(date::local_seconds local) const;

  // Canonical text: the fields as written, separated by single spaces (or the macro). Parsing it gives
  // an equal expression.
  const std::string& to_string() const { return text_; }

  // The set of allowed values of a field as a bit mask (bit v set when value v is allowed).
  std::uint64_t bits(cron_field field) const { return bits_[static_cast<std::size_t>(field)]; }
  // True when day-of-month / day-of-week is a star in robfig's sense (see above).
  bool day_of_month_star() const { return dom_star_; }
  bool day_of_week_star() const { return dow_star_; }

  // Semantic equality: same firing times (the text may differ, e.g. "MON" vs "1").
  friend bool operator==(const cron_expression& a, const cron_expression& b) {
    return a.bits_ == b.bits_ && a.dom_star_ == b.dom_star_ && a.dow_star_ == b.dow_star_;
  }

 private:
  cron_expression() = default;
  bool day_matches(date::year_month_day ymd, date::weekday wd) const;

  std::array<std::uint64_t, 5> bits_{};
  bool dom_star_ = false;
  bool dow_star_ = false;
  std::string text_;
};

}  // namespace devenv
