// RBAC rules as Kubernetes evaluates them, for checking the chart's roles against the requests devenv-scaler
// made to kube-sim (its request log): which rule allows a call, and which granted verbs no call used.
// Pure functions over values; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace devenv::testing {

// One request, as kube-sim's request log records it.
struct api_call {
  std::string verb;  // get, list, watch, create, update, patch, delete, deletecollection; lower-cased method
  std::string api_group;
  std::string resource;  // "" for non-resource requests (discovery, /version)
  std::string subresource;
  std::string ns;
  std::string name;
  std::string path;

  static api_call from_log(const nlohmann::json& entry);
  std::string describe() const;  // "patch apps/deployments in dev1 (web)"
};

struct rbac_rule {
  std::string role;  // "ClusterRole/devenv-scaler" or "Role/devenv-scaler/devenv-scaler-leader-election"
  bool namespaced = false;  // from a Role: valid in one namespace only
  std::vector<std::string> api_groups, resources, verbs, resource_names;

  std::string describe() const;  // the role and the rule, for messages
};

// The rules of every ClusterRole and Role bound (by a ClusterRoleBinding or RoleBinding) to `service_account`
// in `ns`, among rendered manifests.
std::vector<rbac_rule> bound_rules(const std::vector<nlohmann::json>& objects,
                                   const std::string& service_account, const std::string& ns);

// Whether the rule allows the call (namespace scoping is the caller's business: a Role's namespace differs
// between the chart and a test cluster).
bool allows(const rbac_rule& rule, const api_call& call);

// Non-resource requests every authenticated identity may make (the system:discovery and
// system:public-info-viewer ClusterRoles).
bool allowed_to_everyone(const api_call& call);

// (verb, "group/resource") pairs a rule grants, expanded: one entry per verb and resource.
std::vector<std::pair<std::string, std::string>> grants(const rbac_rule& rule);

}  // namespace devenv::testing
