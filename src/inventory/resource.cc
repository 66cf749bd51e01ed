#include "inventory/resource.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace devenv::inventory {

std::string_view to_string(resource_kind kind) {
  switch (kind) {
    case resource_kind::ec2:
      return "ec2";
    case resource_kind::rds_instance:
      return "rds-instance";
    case resource_kind::rds_cluster:
      return "rds-cluster";
  }
  return "unknown";
}

std::optional<resource_kind> parse_resource_kind(std::string_view text) {
  for (auto kind : {resource_kind::ec2, resource_kind::rds_instance, resource_kind::rds_cluster}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

std::size_t snapshot::size() const {
  std::size_t n = 0;
  for (const auto& [name, resources] : envs) n += resources.size();
  return n;
}

environments group_by_environment(std::vector<resource> all, const tag_keys& keys) {
  environments out;
  std::set<std::pair<resource_kind, std::string>> seen;
  for (auto& r : all) {
    if (r.kind == resource_kind::rds_instance && !r.cluster_id.empty()) continue;
    const auto ns = r.tags.find(keys.namespace_key);
    const auto sched = r.tags.find(keys.scheduler_key);
    if (ns == r.tags.end() || ns->second.empty()) continue;
    if (sched == r.tags.end() || sched->second != keys.scheduler_value) continue;
    if (!seen.emplace(r.kind, r.id).second) continue;
    const std::string name = ns->second;
    out[name].push_back(std::move(r));
  }
  for (auto& [name, resources] : out) {
    std::sort(resources.begin(), resources.end(), [](const resource& a, const resource& b) {
      return std::tie(a.kind, a.id) < std::tie(b.kind, b.id);
    });
  }
  return out;
}

power classify(resource_kind kind, std::string_view state) {
  if (kind == resource_kind::ec2) {
    if (state == "running") return power::running;
    if (state == "stopped") return power::stopped;
    if (state == "pending") return power::starting;
    if (state == "stopping") return power::stopping;
    if (state == "shutting-down" || state == "terminated") return power::gone;
    return power::other;
  }
  if (state == "available") return power::running;
  if (state == "stopped") return power::stopped;
  if (state == "starting") return power::starting;
  if (state == "stopping") return power::stopping;
  if (state == "deleting" || state == "deleted") return power::gone;
  return power::other;  // backing-up, modifying, maintenance, failed, …: AWS decides whether it can act
}

}  // namespace devenv::inventory
