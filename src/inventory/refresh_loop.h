// refresh_loop: the leader's inventory timer. Refreshes at once, then every refresh period; every guard
// period (RDS restarts a database by itself after 7 days stopped) it stops again the databases of the
// environments whose stop has completed (rds_guard.h), records an Event on each one's namespace and reports
// each one it touched. Runs until its stop flag is raised; one
// failing round is logged and counted, never fatal. Time and waiting are injected. Thread-safety: one loop
// per object; the cacher and resources it uses are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/cloud_resources.h"
#include "inventory/rds_guard.h"

namespace devenv::inventory {

struct refresh_loop_options {
  std::chrono::seconds period{60};
  std::chrono::seconds guard_period{600};
  clock_fn now;
  // Waits until `until` or until `stop` is raised (default: sleeps in slices of at most 200 ms).
  std::function<void(time_point until, const std::atomic<bool>& stop)> sleep_until;
  // The environments whose stop has completed (completed_stops in rds_guard.h), for the RDS guard; unset:
  // no guard (a standalone cacher).
  std::function<result<std::set<std::string>>()> stopped_environments;
  // Records the guard's Event (guard_event) on the namespace of each database it acted on; a failure is
  // logged, never fatal. Unset: no Events.
  std::function<result<void>(std::string_view ns, const env::event_record&)> record_event;
  // Called after every guard round with what it did (for logs and metrics).
  std::function<void(const std::vector<guarded_database>&)> on_guard;
};

// One guard round: stops the available RDS instances/clusters of `stopped` environments (from the cached
// inventory) and returns one entry per database acted upon, with its environment.
std::vector<guarded_database> guard_databases(cacher& cache, cloud_resources& resources,
                                              const std::set<std::string>& stopped);

void run_refresh_loop(cacher& cache, cloud_resources* resources, refresh_loop_options options,
                      const std::atomic<bool>& stop);

}  // namespace devenv::inventory
