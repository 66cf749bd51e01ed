// power_plan: which of an environment's AWS resources a stop or start acts on, in which order, and which it
// skips and why; and the RDS guard's choice of databases to stop again. Pure functions; thread-safe.
//
// Order: stop = EC2 instances, then RDS instances and clusters (the machines that use a database go first);
// start = RDS clusters and instances, then EC2. Already stopped (or stopping) counts as done for a stop,
// already running (or starting) for a start; a terminated/deleted resource is a failed item (it will never
// come back, someone should know) and never blocks the others. Anything else is attempted and AWS decides.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "env/external_resources.h"
#include "inventory/resource.h"

namespace devenv::inventory {

enum class power_action { stop, start };

struct power_step {
  resource target;
  bool act = false;                                                // false: reported with `outcome`/`reason`
  env::resource_outcome outcome = env::resource_outcome::skipped;  // when !act
  std::string reason;
};

std::vector<power_step> plan_power(power_action action, const std::vector<resource>& resources);

// RDS restarts a database by itself after 7 days stopped. While an environment is recorded as stopped,
// every RDS instance or cluster of it that is available again is to be stopped again. One that is still
// starting is left for the next round (RDS refuses to stop it now).
std::vector<resource> plan_rds_guard(const environments& envs, const std::set<std::string>& stopped_envs);

// The step as a report item, before anything was done (skipped/failed) or after (ok/failed).
env::resource_item to_item(const resource& r, env::resource_outcome outcome, std::string to_state,
                           std::string message);

}  // namespace devenv::inventory
