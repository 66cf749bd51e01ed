// REST paths of the Kubernetes resources devenv-scaler touches, so no caller spells "/apis/apps/v1/..." by
// hand. An empty namespace means "across all namespaces" for namespaced collections. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace devenv::kube {

enum class resource {
  namespaces,                     // cluster-scoped
  deployments,                    // apps/v1
  statefulsets,                   // apps/v1
  cronjobs,                       // batch/v1
  jobs,                           // batch/v1
  events,                         // v1
  leases,                         // coordination.k8s.io/v1
  pods,                           // v1
  configmaps,                     // v1
  tokenreviews,                   // authentication.k8s.io/v1, cluster-scoped, create-only
  serviceaccounts,                // v1
  mutatingwebhookconfigurations,  // admissionregistration.k8s.io/v1, cluster-scoped
};

// The collection: "/apis/apps/v1/namespaces/dev1/deployments", or "/apis/apps/v1/deployments" when ns is
// empty.
std::string collection_path(resource kind, std::string_view ns = {});
// One object: "/apis/apps/v1/namespaces/dev1/deployments/web". For cluster-scoped kinds ns is ignored.
std::string object_path(resource kind, std::string_view ns, std::string_view name);
// Shorthand for a namespace object: "/api/v1/namespaces/dev1".
std::string namespace_path(std::string_view name);

}  // namespace devenv::kube
