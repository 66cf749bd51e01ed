// workload_store: the narrow view of Kubernetes the environment executor needs (read and merge-patch
// Deployments/StatefulSets and Namespaces, emit Events). Shaped by its one consumer, environment_service, so
// fakes stay small and the domain never includes a Kubernetes client header.
//
// Thread-safety: implementations must allow concurrent calls from several threads (the executor patches
// the workloads of one group in parallel).
// Errors: devenv::error values. A resourceVersion precondition failure (HTTP 409) must be errc::conflict,
// an absent object errc::not_found; transport and 5xx failures errc::unavailable (or timeout).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "env/workload.h"

namespace devenv::env {

enum class event_type { normal, warning };

// A Kubernetes Event about a namespace (kubectl get events -n <ns> is the audit log).
struct event_record {
  std::string reason;  // CamelCase: DevenvStopped, DevenvStarted, DevenvPartialFailure
  std::string message;
  event_type type = event_type::normal;
  std::chrono::system_clock::time_point time;  // injected: the store never reads a clock
};

using workloads_by_namespace = std::map<std::string, result<std::vector<workload>>, std::less<>>;

class workload_store {
 public:
  virtual ~workload_store() = default;

  // Every Deployment and StatefulSet of the namespace (all pages).
  virtual result<std::vector<workload>> list_workloads(std::string_view ns) = 0;
  // Every Deployment and StatefulSet of the cluster, by namespace (protected ones included): two
  // cluster-wide LISTs however many environments there are, for views of all of them (list, dashboard).
  // A namespace holding an object that does not decode gets that error; the others are unaffected.
  virtual result<workloads_by_namespace> list_all_workloads() = 0;
  virtual result<workload> get_workload(workload_kind kind, std::string_view ns, std::string_view name) = 0;
  // A JSON merge patch with field manager devenv-scaler; returns the object as written.
  virtual result<workload> patch_workload(workload_kind kind, std::string_view ns, std::string_view name,
                                          const nlohmann::json& merge_patch) = 0;

  // A namespace that does not exist is a success with exists == false, not an error.
  virtual result<namespace_info> get_namespace(std::string_view ns) = 0;
  // Every namespace of the cluster (all pages), protected ones included: filtering is the caller's policy.
  virtual result<std::vector<namespace_info>> list_namespaces() = 0;
  virtual result<void> patch_namespace(std::string_view ns, const nlohmann::json& merge_patch) = 0;

  virtual result<void> create_event(std::string_view ns, const event_record& event) = 0;
};

}  // namespace devenv::env
