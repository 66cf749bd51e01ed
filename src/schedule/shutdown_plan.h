// Next shutdown: when the environment's shutdown CronJob will actually stop it, and how to say so to a
// person. Pure functions of (config, observed CronJob, environment state, now).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/error.h"
#include "schedule/config.h"
#include "schedule/cronjob_state.h"

namespace devenv::schedule {

struct shutdown_view {
  // None when the CronJob is suspended (scheduling disabled) or the environment is already stopped:
  // there is nothing to shut down and nothing to warn about.
  std::optional<std::chrono::system_clock::time_point> at;
  // "19:00 CET, in 2 h 15 min", "tomorrow 19:00 CET, in 22 h", "Mon 19:00 CET, in 2 d 3 h", or why
  // there is none. Always in the configured zone.
  std::string description;
};

// The next firing of the CronJob's current schedule after `now`, in the CronJob's zone. When the
// CronJob holds an expired prolongation (needs_reset), the morning reset will restore the default
// first, so the answer is the default schedule's first firing after the next reset instant.
// Fails when the schedule or its zone cannot be parsed.
result<shutdown_view> next_shutdown(const schedule_config& config, const cronjob_state& cronjob,
                                    env_state env, std::chrono::system_clock::time_point now);

// "19:00 CET, in 2 h 15 min" etc. for an instant after `now`, in `zone`.
std::string describe_shutdown(std::chrono::system_clock::time_point at,
                              std::chrono::system_clock::time_point now, const date::time_zone* zone);

// "45 min", "2 h", "2 h 15 min", "1 d", "2 d 3 h" (rounded up to whole minutes).
std::string format_remaining(std::chrono::system_clock::duration remaining);

}  // namespace devenv::schedule
