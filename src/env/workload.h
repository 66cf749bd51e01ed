// The environment domain's vocabulary: a workload (Deployment or StatefulSet) as devenv-scaler sees it, a
// namespace as observed, an environment's state, the origin of an action and the last action recorded on
// the namespace. Plain values, no I/O; safe to copy between threads.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace devenv::env {

// Annotation and label keys written or read by devenv-scaler (DESIGN.md section 2). They are the contract
// with clusters that already carry them, so they never change.
inline constexpr std::string_view original_replicas_annotation = "devenv-scaler/original-replicas";
inline constexpr std::string_view exclude_annotation = "devenv-scaler/exclude";
inline constexpr std::string_view state_annotation = "devenv-scaler/state";
inline constexpr std::string_view last_action_annotation = "devenv-scaler/last-action";
inline constexpr std::string_view default_scheduler_label = "scheduler";

enum class workload_kind { deployment, statefulset };
std::string_view to_string(workload_kind kind);  // "Deployment" / "StatefulSet"

struct workload {
  workload_kind kind = workload_kind::deployment;
  std::string name;
  int replicas = 0;                       // spec.replicas (1 when absent, as Kubernetes defaults it)
  int ready_replicas = 0;                 // status.readyReplicas
  int updated_replicas = 0;               // status.updatedReplicas
  bool status_current = true;             // status.observedGeneration >= metadata.generation
  std::optional<int> saved_replicas;      // devenv-scaler/original-replicas, when present and valid
  bool saved_annotation_invalid = false;  // present but not a non-negative integer: never touched, reported
  std::string saved_annotation_raw;       // the annotation text as found (for the report when invalid)
  bool excluded = false;                  // devenv-scaler/exclude: "true"
  std::string resource_version;
};

// A namespace as the executor sees it. `exists` is false for a namespace the API does not know (404); the
// other fields are then empty.
struct namespace_info {
  std::string name;
  bool exists = false;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string resource_version;
};

enum class env_state { running, stopped, starting, partly_running, not_managed, not_found };
std::string_view to_string(env_state state);  // "running", "stopped", "starting", "partly running", ...

// Who asked for an action and through which door; recorded in devenv-scaler/last-action.
struct action_origin {
  std::string actor;   // "@alice", "cronjob", "api:ci-token"
  std::string source;  // "slack", "api", "cronjob", "cli"
};

struct last_action {
  std::string action;   // "stop", "start", ...
  std::string actor;    // see action_origin
  std::string source;   // see action_origin
  std::string outcome;  // "ok", "partial", "failed" (empty when written by an older version)
  std::optional<std::chrono::system_clock::time_point> time;  // absent when the stored text is unusable
};

}  // namespace devenv::env
