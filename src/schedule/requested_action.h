// An action a person asks for (REST, a Slack command or button): run it on the environment, then, for a start
// that woke something, give the environment its own shutdown when it is outside working hours
// (cronjob_manager::after_hours_start), so nothing started at 22:00 or on a Saturday runs all weekend. One
// sequence for every entry point; the nightly CronJob's stop goes through it too and is simply never a start.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "env/environment_service.h"
#include "schedule/cronjob_manager.h"

namespace devenv::schedule {

struct requested_action_result {
  env::operation_report report;
  // The after-hours shutdown written for a start; none inside working hours, for a stop, or when the
  // environment's schedule is suspended or already later.
  std::optional<schedule_change> after_hours_shutdown;
  // Set when writing that shutdown failed: the start itself still counts, the caller reports this beside it.
  std::optional<std::string> after_hours_problem;
};

// `schedules` may be null (scheduling not configured): the action alone. An error is the action's own
// (invalid or protected name, Kubernetes unreachable); item-by-item failures are in the report.
result<requested_action_result> run_requested_action(env::environment_service& environments,
                                                     cronjob_manager* schedules, env::env_action action,
                                                     std::string_view name, const env::action_origin& origin,
                                                     std::chrono::system_clock::time_point now);

}  // namespace devenv::schedule
