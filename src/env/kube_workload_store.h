// kube_workload_store: workload_store over the Kubernetes REST client (devenv::kube::client). Deployments
// and StatefulSets are apps/v1, Namespaces and Events v1; writes are JSON merge patches whose
// metadata.resourceVersion comes from the caller's patch, sent with the client's field manager
// (devenv-scaler). Lists follow continue tokens.
//
// Thread-safety: as thread-safe as kube::client (fully); the adapter itself holds no mutable state.
// Exceptions never escape: anything nlohmann or the client throws becomes an error value here, at the edge.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "env/workload_store.h"

namespace devenv::kube {
class client;
}

namespace devenv::env {

class kube_workload_store : public workload_store {
 public:
  // `client` must outlive the store.
  explicit kube_workload_store(kube::client& client) : client_(client) {}

  result<std::vector<workload>> list_workloads(std::string_view ns) override;
  result<workloads_by_namespace> list_all_workloads() override;
  result<workload> get_workload(workload_kind kind, std::string_view ns, std::string_view name) override;
  result<workload> patch_workload(workload_kind kind, std::string_view ns, std::string_view name,
                                  const nlohmann::json& merge_patch) override;
  result<namespace_info> get_namespace(std::string_view ns) override;
  result<std::vector<namespace_info>> list_namespaces() override;
  result<void> patch_namespace(std::string_view ns, const nlohmann::json& merge_patch) override;
  result<void> create_event(std::string_view ns, const event_record& event) override;

 private:
  kube::client& client_;
};

// The core/v1 Event object for `event` about namespace `ns` (involvedObject: the Namespace), so that
// `kubectl get events -n <ns>` shows it. The message is cut to 1024 bytes (on a UTF-8 boundary), the limit
// the API server enforces. Pure.
nlohmann::json event_object(std::string_view ns, const event_record& event);

}  // namespace devenv::env
