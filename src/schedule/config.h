// schedule_config: the validated schedule settings of DESIGN.md section 3 (zone, shutdown and reset wall
// times, workdays, prolongation cap, after-hours start length, warning offsets). A plain value; the
// zone pointer refers to the process-wide tz database, so copies are cheap and thread-safe to read.
//
// Working hours are [reset, shutdown) wall-clock time on a workday, in the configured zone. That is why
// reset must be before shutdown: the morning reset opens the working day and the shutdown closes it.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"

namespace devenv::schedule {

// date::weekday has no ordering; order by C encoding (Sunday = 0).
struct weekday_less {
  bool operator()(date::weekday a, date::weekday b) const { return a.c_encoding() < b.c_encoding(); }
};
using weekday_set = std::set<date::weekday, weekday_less>;

struct schedule_config {
  const date::time_zone* zone = nullptr;
  std::chrono::minutes shutdown{19 * 60};  // since local midnight
  weekday_set workdays{date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday};
  std::chrono::minutes reset{6 * 60};  // since local midnight
  // Total prolongation allowed, measured from the default shutdown instant of that evening.
  std::chrono::minutes max_prolong{4 * 60};
  // How long a manual start outside working hours lasts.
  std::chrono::minutes after_hours_start{2 * 60};
  // Warn this long before a shutdown; kept sorted from largest to smallest, distinct.
  std::vector<std::chrono::minutes> warnings{std::chrono::minutes{60}, std::chrono::minutes{30},
                                             std::chrono::minutes{15}};
};

// Raw settings as they come from the configuration file or flags.
struct schedule_input {
  std::string timezone = "UTC";
  std::string shutdown = "19:00";
  std::string workdays = "mon-fri";  // names or 0-6 (0 = Sunday), lists and ranges, e.g. "mon,wed,fri"
  std::string reset = "06:00";
  std::chrono::minutes max_prolong{4 * 60};
  std::chrono::minutes after_hours_start{2 * 60};
  std::vector<int> warnings{60, 30, 15};  // minutes before the shutdown
};

// Validates everything; errors are errc::invalid_argument naming the setting and the allowed values.
result<schedule_config> make_schedule_config(const schedule_input& input);

// "HH:MM" (00:00-23:59) to minutes since midnight.
result<std::chrono::minutes> parse_wall_time(std::string_view text);

// "mon-fri", "sat,sun", "1-5", "fri-mon" (wraps), "*" ... to a set of weekdays.
result<weekday_set> parse_workdays(std::string_view text);

// The working-day CronJob schedule, e.g. "0 19 * * 1-5" (day-of-week as numbers, 0 = Sunday).
std::string default_cron(const schedule_config& config);

// True when `now` is inside working hours (see above).
bool is_working_time(const schedule_config& config, std::chrono::system_clock::time_point now);

}  // namespace devenv::schedule
