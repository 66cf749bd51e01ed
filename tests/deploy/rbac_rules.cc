#include "deploy/rbac_rules.h"

#include <algorithm>

namespace devenv::testing {
namespace {

using json = nlohmann::json;

std::vector<std::string> strings(const json& rule, const char* key) {
  std::vector<std::string> out;
  if (rule.contains(key) && rule[key].is_array()) {
    for (const auto& v : rule[key]) out.push_back(v.get<std::string>());
  }
  return out;
}

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end() ||
         std::find(list.begin(), list.end(), "*") != list.end();
}

std::string join(const std::vector<std::string>& list) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : ",") + (s.empty() ? std::string("\"\"") : s);
  return "[" + out + "]";
}

std::string qualified(const std::string& group, const std::string& resource) {
  return (group.empty() ? "core" : group) + "/" + resource;
}

}  // namespace

api_call api_call::from_log(const json& entry) {
  api_call call;
  call.verb = entry.value("verb", "");
  call.api_group = entry.value("apiGroup", "");
  call.resource = entry.value("resource", "");
  call.subresource = entry.value("subresource", "");
  call.ns = entry.value("namespace", "");
  call.name = entry.value("name", "");
  call.path = entry.value("path", "");
  return call;
}

std::string api_call::describe() const {
  if (resource.empty()) return verb + " " + path;
  std::string out =
      verb + " " + qualified(api_group, resource + (subresource.empty() ? "" : "/" + subresource));
  if (!ns.empty()) out += " in " + ns;
  if (!name.empty()) out += " (" + name + ")";
  return out;
}

std::string rbac_rule::describe() const {
  std::string out = role + " rule {apiGroups: " + join(api_groups) + ", resources: " + join(resources) +
                    ", verbs: " + join(verbs);
  if (!resource_names.empty()) out += ", resourceNames: " + join(resource_names);
  return out + "}";
}

std::vector<rbac_rule> bound_rules(const std::vector<json>& objects, const std::string& service_account,
                                   const std::string& ns) {
  auto bound = [&](const json& binding) {
    for (const auto& subject : binding.value("subjects", json::array())) {
      if (subject.value("kind", "") == "ServiceAccount" && subject.value("name", "") == service_account &&
          subject.value("namespace", "") == ns)
        return true;
    }
    return false;
  };
  std::vector<rbac_rule> out;
  for (const auto& binding : objects) {
    const std::string kind = binding.value("kind", "");
    if ((kind != "ClusterRoleBinding" && kind != "RoleBinding") || !bound(binding)) continue;
    const std::string role_kind = binding["roleRef"].value("kind", "");
    const std::string role_name = binding["roleRef"].value("name", "");
    const std::string binding_ns = binding["metadata"].value("namespace", "");
    for (const auto& role : objects) {
      if (role.value("kind", "") != role_kind || role["metadata"].value("name", "") != role_name) continue;
      if (role_kind == "Role" && role["metadata"].value("namespace", "") != binding_ns) continue;
      for (const auto& r : role.value("rules", json::array())) {
        rbac_rule rule;
        rule.role = role_kind + "/" + (role_kind == "Role" ? binding_ns + "/" : "") + role_name;
        // A RoleBinding to a ClusterRole grants it in the binding's namespace only.
        rule.namespaced = kind == "RoleBinding";
        rule.api_groups = strings(r, "apiGroups");
        rule.resources = strings(r, "resources");
        rule.verbs = strings(r, "verbs");
        rule.resource_names = strings(r, "resourceNames");
        out.push_back(std::move(rule));
      }
    }
  }
  return out;
}

bool allows(const rbac_rule& rule, const api_call& call) {
  if (call.resource.empty()) return false;  // nonResourceURLs are not granted by the chart
  if (rule.namespaced && call.ns.empty()) return false;
  const std::string resource =
      call.subresource.empty() ? call.resource : call.resource + "/" + call.subresource;
  if (!has(rule.verbs, call.verb) || !has(rule.api_groups, call.api_group) || !has(rule.resources, resource))
    return false;
  if (rule.resource_names.empty()) return true;
  // resourceNames cannot restrict create, list or watch of a collection: the request names no object.
  return !call.name.empty() && std::find(rule.resource_names.begin(), rule.resource_names.end(), call.name) !=
                                   rule.resource_names.end();
}

bool allowed_to_everyone(const api_call& call) {
  if (!call.resource.empty() || call.verb != "get") return false;
  for (const char* prefix : {"/api", "/apis", "/version", "/healthz", "/livez", "/readyz", "/openapi"}) {
    const std::string p = prefix;
    if (call.path == p || call.path.starts_with(p + "/")) return true;
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> grants(const rbac_rule& rule) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& verb : rule.verbs) {
    for (const auto& group : rule.api_groups) {
      for (const auto& resource : rule.resources) out.emplace_back(verb, qualified(group, resource));
    }
  }
  return out;
}

}  // namespace devenv::testing
