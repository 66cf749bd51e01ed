// rds_guard: what the RDS 7-day guard may act on and what it leaves behind. RDS restarts a database by itself
// after 7 days stopped; the leader's guard stops it again, but only in an environment whose stop has
// *completed*: the namespace's devenv-scaler/state says "stopped" (the environment service writes it at the
// end of a stop, after the workloads, EC2 and RDS were all handled) and the workloads are observed stopped.
// Workloads at 0 alone are not enough: they reach 0 first, while the stop is still stopping EC2, and a guard
// acting then would stop the database before the machines that use it. Each database stopped again (or that
// could not be) is recorded as a Kubernetes Event on its environment's namespace, next to the stop/start
// Events of the environment service (kubectl get events -n <env> is the audit log).
// Pure functions over values; thread-safe.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "env/environment_service.h"
#include "env/workload_store.h"
#include "inventory/resource.h"

namespace devenv::inventory {

// One database the guard acted on, with the environment it belongs to.
struct guarded_database {
  std::string environment;
  env::resource_item item;
};

// The environments the guard may act on: readable, recorded as stopped and observed stopped.
std::set<std::string> completed_stops(const std::vector<env::environment_summary>& summaries);

// Reason DatabaseRestopped (Normal) when the stop was accepted, DatabaseRestopFailed (Warning) when not; the
// message names the database, the state it was found in and, for a failure, why.
inline constexpr const char* database_restopped_reason = "DatabaseRestopped";
inline constexpr const char* database_restop_failed_reason = "DatabaseRestopFailed";
env::event_record guard_event(const guarded_database& guarded, time_point now);

}  // namespace devenv::inventory
