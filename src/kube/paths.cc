#include "kube/paths.h"

#include <fmt/format.h>

namespace devenv::kube {
namespace {

struct resource_info {
  std::string_view group_version_prefix;  // "/api/v1" or "/apis/<group>/<version>"
  std::string_view plural;
  bool namespaced;
};

resource_info info(resource kind) {
  switch (kind) {
    case resource::namespaces:
      return {"/api/v1", "namespaces", false};
    case resource::deployments:
      return {"/apis/apps/v1", "deployments", true};
    case resource::statefulsets:
      return {"/apis/apps/v1", "statefulsets", true};
    case resource::cronjobs:
      return {"/apis/batch/v1", "cronjobs", true};
    case resource::jobs:
      return {"/apis/batch/v1", "jobs", true};
    case resource::events:
      return {"/api/v1", "events", true};
    case resource::leases:
      return {"/apis/coordination.k8s.io/v1", "leases", true};
    case resource::pods:
      return {"/api/v1", "pods", true};
    case resource::configmaps:
      return {"/api/v1", "configmaps", true};
    case resource::tokenreviews:
      return {"/apis/authentication.k8s.io/v1", "tokenreviews", false};
    case resource::serviceaccounts:
      return {"/api/v1", "serviceaccounts", true};
    case resource::mutatingwebhookconfigurations:
      return {"/apis/admissionregistration.k8s.io/v1", "mutatingwebhookconfigurations", false};
  }
  return {"/api/v1", "namespaces", false};
}

}  // namespace

std::string collection_path(resource kind, std::string_view ns) {
  auto i = info(kind);
  if (!i.namespaced || ns.empty()) return fmt::format("{}/{}", i.group_version_prefix, i.plural);
  return fmt::format("{}/namespaces/{}/{}", i.group_version_prefix, ns, i.plural);
}

std::string object_path(resource kind, std::string_view ns, std::string_view name) {
  auto i = info(kind);
  if (!i.namespaced) return fmt::format("{}/{}/{}", i.group_version_prefix, i.plural, name);
  return fmt::format("{}/namespaces/{}/{}/{}", i.group_version_prefix, ns, i.plural, name);
}

std::string namespace_path(std::string_view name) {
  return object_path(resource::namespaces, {}, name);
}

}  // namespace devenv::kube
