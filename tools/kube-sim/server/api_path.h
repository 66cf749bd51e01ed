// Where a Kubernetes REST path points: the group/version, namespace, resource, name and subresource of
// /api/v1/... and /apis/<group>/<version>/... URLs, parsed the way kube-apiserver reads them. Pure value;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kubesim {

struct api_path {
  std::string group;        // "" for the core group (/api/v1)
  std::string version;      // "v1"
  std::string ns;           // from /namespaces/<ns>/...; "" otherwise
  std::string resource;     // plural: "deployments"; "" for a group-version root (/apis/apps/v1)
  std::string name;         // "" for a collection
  std::string subresource;  // "status", "scale", "token", ...

  bool is_collection() const { return name.empty(); }
  std::string group_version() const { return group.empty() ? version : group + "/" + version; }
};

// Parses a decoded request path. nullopt when it is not under /api/v1 or /apis/<g>/<v>, or has too many
// segments. Does not check that the resource exists (the caller looks it up to answer 404).
std::optional<api_path> parse_api_path(std::string_view path);

}  // namespace kubesim
