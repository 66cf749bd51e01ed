// After-hours start: a manual start outside working hours ([reset, shutdown) on a workday, in the
// configured zone) gets its own one-shot shutdown after config.after_hours_start, so a Saturday start
// does not run until Monday evening. Pure function of (config, now).
//
// Decisions:
//   - the shutdown is at now + after_hours_start, rounded up to the next whole minute;
//   - if that would reach the start of the next working period (the next reset on a workday), no
//     one-shot is planned: the session simply joins the working day and the default schedule (restored
//     by the reset) shuts it down in the evening. Cutting a 05:30 start off at 06:00 would be absurd.
#pragma once

#include <chrono>
#include <optional>

#include "schedule/config.h"
#include "schedule/one_shot.h"

namespace devenv::schedule {

// None inside working hours, or when the session would run into working hours (see above).
std::optional<one_shot> plan_after_hours_start(const schedule_config& config,
                                               std::chrono::system_clock::time_point now);

// The start of the next working period strictly after `now`: the reset wall time of the next workday.
std::chrono::system_clock::time_point next_working_start(const schedule_config& config,
                                                         std::chrono::system_clock::time_point now);

}  // namespace devenv::schedule
