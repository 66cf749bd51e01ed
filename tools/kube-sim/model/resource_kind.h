// The kinds of object kube-sim serves: group, version, plural resource, Kind, scope and subresources.
// Immutable after start-up; safe to read from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kubesim {

struct resource_kind {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, as in URLs: "deployments"
  std::string kind;      // "Deployment"
  std::string singular;  // "deployment"
  bool namespaced = true;
  std::vector<std::string> short_names;   // "deploy"
  std::vector<std::string> subresources;  // "status", "scale"
  std::vector<std::string> verbs;         // as advertised in discovery

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  std::string list_kind() const { return kind + "List"; }
  bool has_subresource(std::string_view name) const;
};

// Every kind kube-sim knows, in discovery order.
const std::vector<resource_kind>& builtin_kinds();

// Lookup by URL coordinates; nullptr when unknown.
const resource_kind* find_kind(std::string_view group, std::string_view version, std::string_view resource);
// Lookup by apiVersion ("apps/v1") and Kind ("Deployment"), as found in a manifest; nullptr when unknown.
const resource_kind* find_kind_by_kind(std::string_view api_version, std::string_view kind);

}  // namespace kubesim
