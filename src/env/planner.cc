#include "env/planner.h"

#include <algorithm>
#include <array>

namespace devenv::env {
namespace {

// Kind order of the groups: the order in which the action applies them.
std::array<workload_kind, 2> kind_order(env_action action) {
  if (action == env_action::stop) return {workload_kind::deployment, workload_kind::statefulset};
  return {workload_kind::statefulset, workload_kind::deployment};
}

plan_skip skip(const workload& w, skip_reason reason, std::string detail = {}) {
  return plan_skip{w.kind, w.name, w.replicas, reason, std::move(detail)};
}

plan_step step(const workload& w, int target, annotation_change change, int saved = 0) {
  return plan_step{w.kind, w.name, w.replicas, target, change, saved, w.resource_version};
}

decision decide_stop(const workload& w) {
  if (w.replicas > 0) {
    // Scaled up by hand while stopped: the existing count is the one from before the stop; keep it.
    if (w.saved_replicas) return step(w, 0, annotation_change::none);
    return step(w, 0, annotation_change::set, w.replicas);
  }
  if (w.saved_replicas) return skip(w, skip_reason::already_stopped);
  return skip(w, skip_reason::intentionally_zero);
}

decision decide_start(const workload& w) {
  if (w.saved_replicas) return step(w, *w.saved_replicas, annotation_change::remove);
  if (w.replicas == 0) return skip(w, skip_reason::intentionally_zero);
  return skip(w, skip_reason::already_running);
}

}  // namespace

std::string_view to_string(env_action action) {
  return action == env_action::stop ? "stop" : "start";
}

std::string_view to_string(skip_reason reason) {
  switch (reason) {
    case skip_reason::excluded:
      return "excluded";
    case skip_reason::intentionally_zero:
      return "intentionally at 0";
    case skip_reason::already_stopped:
      return "already stopped";
    case skip_reason::already_running:
      return "already running";
    case skip_reason::invalid_annotation:
      return "invalid annotation";
  }
  return "unknown";
}

decision decide(env_action action, const workload& w) {
  if (w.excluded) return skip(w, skip_reason::excluded);
  if (w.saved_annotation_invalid) {
    return skip(w, skip_reason::invalid_annotation,
                std::string(original_replicas_annotation) + " is '" + w.saved_annotation_raw +
                    "', not a replica count; fix or remove it by hand");
  }
  return action == env_action::stop ? decide_stop(w) : decide_start(w);
}

plan make_plan(env_action action, const std::vector<workload>& workloads) {
  std::vector<const workload*> sorted;
  sorted.reserve(workloads.size());
  for (const auto& w : workloads) sorted.push_back(&w);
  std::sort(sorted.begin(), sorted.end(),
            [](const workload* a, const workload* b) { return a->name < b->name; });

  plan out;
  for (workload_kind kind : kind_order(action)) {
    std::vector<plan_step> group;
    for (const workload* w : sorted) {
      if (w->kind != kind) continue;
      auto d = decide(action, *w);
      if (auto* s = std::get_if<plan_step>(&d)) {
        group.push_back(std::move(*s));
      } else {
        out.skipped.push_back(std::get<plan_skip>(std::move(d)));
      }
    }
    if (!group.empty()) out.groups.push_back(std::move(group));
  }
  return out;
}

nlohmann::json build_patch(const plan_step& step) {
  nlohmann::json patch = nlohmann::json::object();
  patch["spec"]["replicas"] = step.target_replicas;
  if (!step.resource_version.empty()) patch["metadata"]["resourceVersion"] = step.resource_version;
  const std::string key(original_replicas_annotation);
  if (step.annotation == annotation_change::set) {
    patch["metadata"]["annotations"][key] = std::to_string(step.saved_value);
  } else if (step.annotation == annotation_change::remove) {
    patch["metadata"]["annotations"][key] = nullptr;
  }
  return patch;
}

}  // namespace devenv::env
