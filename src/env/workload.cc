#include "env/workload.h"

namespace devenv::env {

std::string_view to_string(workload_kind kind) {
  switch (kind) {
    case workload_kind::deployment:
      return "Deployment";
    case workload_kind::statefulset:
      return "StatefulSet";
  }
  return "Unknown";
}

std::string_view to_string(env_state state) {
  switch (state) {
    case env_state::running:
      return "running";
    case env_state::stopped:
      return "stopped";
    case env_state::starting:
      return "starting";
    case env_state::partly_running:
      return "partly running";
    case env_state::not_managed:
      return "not managed";
    case env_state::not_found:
      return "not found";
  }
  return "unknown";
}

}  // namespace devenv::env
