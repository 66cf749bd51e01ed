// Prolongation: move the next planned shutdown T of a running environment to T + d by writing a
// date-exact one-shot schedule in the configured zone (never by shifting the hour of the working-day
// schedule: original.md defect 2). Pure function of (config, observed CronJob, env state, now, d).
//
// The cap: the base B is the DEFAULT shutdown instant of that evening, i.e. the last firing of the
// default schedule (in the configured zone) at or before T. Repeated prolongations add up because T is
// read from the CronJob's current (already prolonged) schedule; the plan is refused when
// T + d - B > max_prolong. So with 19:00 and 4 h, 19:00 -> 21:00 -> 23:00 is allowed, 23:00 -> 23:30 is
// not. A T that is already more than max_prolong past B (an after-hours start on a weekend, say) is
// not a working-day shutdown and cannot be prolonged: start the environment again instead.
// The result never runs past the first reset instant after B, so that the morning reset (which only
// touches expired prolongations) always gets to restore the working-day schedule.
#pragma once

#include <chrono>

#include "core/error.h"
#include "schedule/config.h"
#include "schedule/cronjob_state.h"
#include "schedule/one_shot.h"

namespace devenv::schedule {

struct prolong_plan {
  one_shot shutdown;                               // write this schedule + zone; shutdown.at is
                                                   // the new prolonged-until
  std::chrono::system_clock::time_point previous;  // T, the shutdown being moved
  std::chrono::system_clock::time_point base;      // B, the default shutdown of that evening
  std::chrono::minutes total{0};                   // shutdown.at - base
};

// Errors (all with a human reason): invalid_argument for d <= 0 or beyond the cap / past the reset;
// forbidden for a stopped environment or a suspended CronJob; the CronJob's own parse errors.
result<prolong_plan> plan_prolong(const schedule_config& config, const cronjob_state& cronjob, env_state env,
                                  std::chrono::system_clock::time_point now, std::chrono::minutes requested);

}  // namespace devenv::schedule
