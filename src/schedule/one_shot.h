// one_shot: a date-exact CronJob schedule "M H DOM MON *" that fires at one instant (and, being a cron
// schedule, again on the same date next year — the morning reset restores the default long before).
// This is how prolongations and after-hours starts move a shutdown without touching the working-day
// schedule (DESIGN.md section 3; original.md defect 2). Pure functions; plain values.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>

#include "core/cron.h"
#include "core/error.h"

namespace devenv::schedule {

struct one_shot {
  std::string schedule;                      // e.g. "30 0 28 11 *"
  std::string time_zone;                     // the zone the schedule is written in (spec.timeZone)
  std::chrono::system_clock::time_point at;  // the instant it fires (prolonged-until)
};

// The one-shot schedule firing at `at` (a whole minute), written in wall-clock time of `zone`.
// `not_before` is the instant after which it must fire (normally now). Fails when the wall time of
// `at` is the second occurrence of a repeated (fall-back) hour: the CronJob would fire at the first
// occurrence, an hour early, so we refuse rather than write a schedule that lies.
result<one_shot> make_one_shot(std::chrono::system_clock::time_point at, const date::time_zone* zone,
                               std::chrono::system_clock::time_point not_before);

// True when the expression names exactly one minute, hour, day of month and month with day-of-week `*`.
bool is_one_shot(const cron_expression& expr);

}  // namespace devenv::schedule
