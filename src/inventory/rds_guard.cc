#include "inventory/rds_guard.h"

#include <fmt/format.h>

namespace devenv::inventory {

std::set<std::string> completed_stops(const std::vector<env::environment_summary>& summaries) {
  std::set<std::string> out;
  for (const auto& e : summaries) {
    // recorded "stopped" while the workloads are back up: someone started them by hand, or a start is
    // under way (it starts the databases first). Observed stopped while recorded otherwise: a stop is
    // still running (the workloads go first). Either way the guard keeps out.
    if (e.error.empty() && e.recorded_state == "stopped" && e.state == env::env_state::stopped) {
      out.insert(e.ns);
    }
  }
  return out;
}

env::event_record guard_event(const guarded_database& guarded, time_point now) {
  const auto& item = guarded.item;
  env::event_record event;
  event.time = now;
  const std::string found = fmt::format(
      "{} {} was {} while {} is stopped (RDS starts a database again after 7 "
      "days stopped)",
      item.kind, item.id, item.from_state.empty() ? "running" : item.from_state, guarded.environment);
  if (item.outcome == env::resource_outcome::failed) {
    event.type = env::event_type::warning;
    event.reason = database_restop_failed_reason;
    event.message = fmt::format("{}; stopping it again failed: {}", found, item.message);
  } else {
    event.type = env::event_type::normal;
    event.reason = database_restopped_reason;
    event.message = found + "; stopped it again";
  }
  return event;
}

}  // namespace devenv::inventory
