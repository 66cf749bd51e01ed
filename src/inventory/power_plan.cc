#include "inventory/power_plan.h"

#include <algorithm>

namespace devenv::inventory {
namespace {

int order(power_action action, resource_kind kind) {
  // stop: EC2 (0), RDS instances (1), clusters (2); start: clusters (0), RDS instances (1), EC2 (2).
  const int stop_rank = kind == resource_kind::ec2 ? 0 : kind == resource_kind::rds_instance ? 1 : 2;
  return action == power_action::stop ? stop_rank : 2 - stop_rank;
}

}  // namespace

std::vector<power_step> plan_power(power_action action, const std::vector<resource>& resources) {
  std::vector<power_step> steps;
  steps.reserve(resources.size());
  for (const auto& r : resources) {
    power_step step{r, false, env::resource_outcome::skipped, {}};
    const power p = classify(r.kind, r.state);
    if (p == power::gone) {
      step.outcome = env::resource_outcome::failed;
      step.reason = r.state + ": it cannot be " + (action == power_action::stop ? "stopped" : "started");
    } else if (action == power_action::stop && (p == power::stopped || p == power::stopping)) {
      step.reason = "already " + r.state;
    } else if (action == power_action::start && (p == power::running || p == power::starting)) {
      step.reason = "already " + r.state;
    } else {
      step.act = true;
    }
    steps.push_back(std::move(step));
  }
  std::stable_sort(steps.begin(), steps.end(), [action](const power_step& a, const power_step& b) {
    return order(action, a.target.kind) < order(action, b.target.kind);
  });
  return steps;
}

std::vector<resource> plan_rds_guard(const environments& envs, const std::set<std::string>& stopped_envs) {
  std::vector<resource> out;
  for (const auto& [name, resources] : envs) {
    if (!stopped_envs.count(name)) continue;
    for (const auto& r : resources) {
      if (r.kind == resource_kind::ec2) continue;
      if (classify(r.kind, r.state) == power::running) out.push_back(r);
    }
  }
  return out;
}

env::resource_item to_item(const resource& r, env::resource_outcome outcome, std::string to_state,
                           std::string message) {
  return env::resource_item{std::string(to_string(r.kind)),
                            r.id,
                            r.type,
                            r.state,
                            std::move(to_state),
                            outcome,
                            std::move(message)};
}

}  // namespace devenv::inventory
