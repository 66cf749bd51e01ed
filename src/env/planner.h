// The stop/start planner: a pure function from the observed workloads of one environment to the ordered
// PATCHes that stop or start it, plus the workloads it leaves alone and why. No I/O, no clock; thread-safe.
//
// Rules (DESIGN.md section 2; original.md defect 1: never lose an original replica count):
//   stop, per workload
//     excluded (devenv-scaler/exclude: "true")              -> skipped (excluded)
//     saved annotation present but not a count              -> skipped as invalid_annotation, which the
//                                                              executor reports as a FAILED item: the
//                                                              annotation is never overwritten or removed
//     replicas > 0, no saved count                          -> replicas 0, save `replicas` (same PATCH)
//     replicas > 0, saved count N (scaled up by hand while  -> replicas 0, keep N: N is the count from
//       stopped)                                               before the environment was stopped; the
//                                                              manual scale-up was a temporary override
//     replicas == 0, saved count                            -> skipped (already stopped): a second stop
//                                                              never rewrites the saved count
//     replicas == 0, no saved count                         -> skipped (intentionally at 0)
//   start, per workload
//     excluded                                              -> skipped (excluded)
//     saved annotation invalid                              -> skipped as invalid_annotation (FAILED item)
//     saved count N (whatever replicas is now)              -> replicas N, annotation removed (same PATCH).
//                                                              If someone scaled it by hand while stopped,
//                                                              the saved count still wins: "start" means
//                                                              "back to how it was before the stop"; when
//                                                              replicas already equal N only the annotation
//                                                              goes away
//     no saved count, replicas == 0                         -> skipped (intentionally at 0)
//     no saved count, replicas > 0                          -> skipped (already running)
//   Order: stop scales Deployments first, then StatefulSets (front ends stop before the data they use);
//   start restores StatefulSets first, then Deployments. Inside a group steps are sorted by name and may
//   run concurrently. Empty groups are omitted.
//   Every step carries the resourceVersion it was planned from, so a concurrent change makes the PATCH
//   fail with 409 instead of acting on stale data; the executor then re-reads and calls decide_* again.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "env/workload.h"

namespace devenv::env {

enum class env_action { stop, start };
std::string_view to_string(env_action action);  // "stop" / "start"

enum class annotation_change { none, set, remove };

struct plan_step {
  workload_kind kind = workload_kind::deployment;
  std::string name;
  int from_replicas = 0;
  int target_replicas = 0;
  annotation_change annotation = annotation_change::none;
  int saved_value = 0;  // the count written when annotation == set
  std::string resource_version;

  friend bool operator==(const plan_step&, const plan_step&) = default;
};

enum class skip_reason { excluded, intentionally_zero, already_stopped, already_running, invalid_annotation };
std::string_view to_string(skip_reason reason);  // "excluded", "intentionally at 0", ...
// True for the reasons the executor must report as a failure (the workload needs a human).
constexpr bool is_failure(skip_reason reason) {
  return reason == skip_reason::invalid_annotation;
}

struct plan_skip {
  workload_kind kind = workload_kind::deployment;
  std::string name;
  int replicas = 0;
  skip_reason reason = skip_reason::excluded;
  std::string detail;  // human text, e.g. the invalid annotation value

  friend bool operator==(const plan_skip&, const plan_skip&) = default;
};

struct plan {
  std::vector<std::vector<plan_step>> groups;  // applied in order; steps in a group are independent
  std::vector<plan_skip> skipped;              // sorted like the groups: by kind order, then name
};

using decision = std::variant<plan_step, plan_skip>;

// The decision for one workload; used for whole plans and to re-plan a workload after a conflict.
decision decide(env_action action, const workload& w);
plan make_plan(env_action action, const std::vector<workload>& workloads);
inline plan plan_stop(const std::vector<workload>& workloads) {
  return make_plan(env_action::stop, workloads);
}
inline plan plan_start(const std::vector<workload>& workloads) {
  return make_plan(env_action::start, workloads);
}

// The JSON merge patch of a step:
//   {"metadata":{"resourceVersion":"42","annotations":{"devenv-scaler/original-replicas":"3"}},
//    "spec":{"replicas":0}}
// The annotation value is null to remove it; "annotations" is absent when the step leaves it alone and
// "resourceVersion" when the step has none (no precondition).
nlohmann::json build_patch(const plan_step& step);

}  // namespace devenv::env
