#include "schedule/requested_action.h"

namespace devenv::schedule {

result<requested_action_result> run_requested_action(env::environment_service& environments,
                                                     cronjob_manager* schedules, env::env_action action,
                                                     std::string_view name, const env::action_origin& origin,
                                                     std::chrono::system_clock::time_point now) {
  auto report = environments.run(action, name, origin);
  if (!report) return tl::unexpected(report.error());
  requested_action_result out{std::move(*report), std::nullopt, std::nullopt};
  // Only a start that actually woke something: a start of an already running environment changes nothing.
  if (action != env::env_action::start || schedules == nullptr || out.report.ok == 0) return out;
  auto change = schedules->after_hours_start(name, origin.actor, now);
  if (!change) {
    out.after_hours_problem = change.error().message;
  } else {
    out.after_hours_shutdown = std::move(*change);
  }
  return out;
}

}  // namespace devenv::schedule
