#include "model/resource_kind.h"

#include <algorithm>

namespace kubesim {
namespace {

// The verbs kube-apiserver advertises for ordinary stored resources; namespaces lack deletecollection.
const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get",
                                            "list",   "patch",  "update",           "watch"};
const std::vector<std::string> kNamespaceVerbs = {"create", "delete", "get",  "list",
                                                  "patch",  "update", "watch"};

resource_kind make(std::string group, std::string resource, std::string kind, std::string singular,
                   bool namespaced, std::vector<std::string> short_names,
                   std::vector<std::string> subresources, std::vector<std::string> verbs = kAllVerbs) {
  resource_kind k;
  k.group = std::move(group);
  k.version = "v1";
  k.resource = std::move(resource);
  k.kind = std::move(kind);
  k.singular = std::move(singular);
  k.namespaced = namespaced;
  k.short_names = std::move(short_names);
  k.subresources = std::move(subresources);
  k.verbs = std::move(verbs);
  return k;
}

std::vector<resource_kind> build() {
  std::vector<resource_kind> kinds;
  kinds.push_back(
      make("", "namespaces", "Namespace", "namespace", false, {"ns"}, {"status"}, kNamespaceVerbs));
  kinds.push_back(make("", "pods", "Pod", "pod", true, {"po"}, {"status"}));
  kinds.push_back(make("", "events", "Event", "event", true, {"ev"}, {}));
  kinds.push_back(make("", "serviceaccounts", "ServiceAccount", "serviceaccount", true, {"sa"}, {}));
  kinds.push_back(make("", "secrets", "Secret", "secret", true, {}, {}));
  kinds.push_back(make("", "configmaps", "ConfigMap", "configmap", true, {"cm"}, {}));
  kinds.push_back(
      make("apps", "deployments", "Deployment", "deployment", true, {"deploy"}, {"status", "scale"}));
  kinds.push_back(
      make("apps", "statefulsets", "StatefulSet", "statefulset", true, {"sts"}, {"status", "scale"}));
  kinds.push_back(make("apps", "replicasets", "ReplicaSet", "replicaset", true, {"rs"}, {"status", "scale"}));
  kinds.push_back(make("batch", "cronjobs", "CronJob", "cronjob", true, {"cj"}, {"status"}));
  kinds.push_back(make("batch", "jobs", "Job", "job", true, {}, {"status"}));
  kinds.push_back(make("coordination.k8s.io", "leases", "Lease", "lease", true, {}, {}));
  kinds.push_back(make("admissionregistration.k8s.io", "mutatingwebhookconfigurations",
                       "MutatingWebhookConfiguration", "mutatingwebhookconfiguration", false, {}, {}));
  kinds.push_back(make("admissionregistration.k8s.io", "validatingwebhookconfigurations",
                       "ValidatingWebhookConfiguration", "validatingwebhookconfiguration", false, {}, {}));
  kinds.push_back(
      make("authentication.k8s.io", "tokenreviews", "TokenReview", "tokenreview", false, {}, {}, {"create"}));
  // What a Helm chart installs next to the scaler (tests/deploy applies the chart): stored, not enforced.
  kinds.push_back(make("", "services", "Service", "service", true, {"svc"}, {"status"}));
  kinds.push_back(make("policy", "poddisruptionbudgets", "PodDisruptionBudget", "poddisruptionbudget", true,
                       {"pdb"}, {"status"}));
  kinds.push_back(make("rbac.authorization.k8s.io", "roles", "Role", "role", true, {}, {}));
  kinds.push_back(
      make("rbac.authorization.k8s.io", "rolebindings", "RoleBinding", "rolebinding", true, {}, {}));
  kinds.push_back(
      make("rbac.authorization.k8s.io", "clusterroles", "ClusterRole", "clusterrole", false, {}, {}));
  kinds.push_back(make("rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding",
                       "clusterrolebinding", false, {}, {}));
  return kinds;
}

}  // namespace

bool resource_kind::has_subresource(std::string_view name) const {
  return std::find(subresources.begin(), subresources.end(), name) != subresources.end();
}

const std::vector<resource_kind>& builtin_kinds() {
  static const std::vector<resource_kind> kinds = build();
  return kinds;
}

const resource_kind* find_kind(std::string_view group, std::string_view version, std::string_view resource) {
  for (const auto& k : builtin_kinds()) {
    if (k.group == group && k.version == version && k.resource == resource) return &k;
  }
  return nullptr;
}

const resource_kind* find_kind_by_kind(std::string_view api_version, std::string_view kind) {
  for (const auto& k : builtin_kinds()) {
    if (k.kind == kind && k.api_version() == api_version) return &k;
  }
  return nullptr;
}

}  // namespace kubesim
