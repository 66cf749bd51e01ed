#include "server/discovery.h"

#include <algorithm>
#include <functional>
#include <string>

namespace kubesim {
namespace {

using json = nlohmann::json;

constexpr std::string_view kube_major = "1";
constexpr std::string_view kube_minor = "32";

bool same_group_version(const resource_kind& kind, std::string_view group, std::string_view version) {
  return kind.group == group && kind.version == version;
}

// The group/version/kind a subresource speaks, as kube-apiserver advertises it.
json subresource_entry(const resource_kind& kind, const std::string& subresource) {
  json entry = {
      {"name", kind.resource + "/" + subresource}, {"singularName", ""}, {"namespaced", kind.namespaced}};
  if (subresource == "scale") {
    entry["group"] = "autoscaling";
    entry["version"] = "v1";
    entry["kind"] = "Scale";
    entry["verbs"] = {"get", "patch", "update"};
  } else if (subresource == "token") {
    entry["group"] = "authentication.k8s.io";
    entry["version"] = "v1";
    entry["kind"] = "TokenRequest";
    entry["verbs"] = {"create"};
  } else {
    entry["kind"] = kind.kind;
    entry["verbs"] = {"get", "patch", "update"};
  }
  return entry;
}

std::string group_version_path(std::string_view group, std::string_view version) {
  return group.empty() ? "api/" + std::string(version)
                       : "apis/" + std::string(group) + "/" + std::string(version);
}

}  // namespace

const std::vector<resource_kind>& served_kinds() {
  static const std::vector<resource_kind> kinds = [] {
    std::vector<resource_kind> all = builtin_kinds();
    for (auto& kind : all) {
      if (kind.group.empty() && kind.resource == "serviceaccounts" && !kind.has_subresource("token"))
        kind.subresources.push_back("token");
    }
    const bool has_token_reviews = std::any_of(all.begin(), all.end(), [](const resource_kind& kind) {
      return kind.group == "authentication.k8s.io" && kind.resource == "tokenreviews";
    });
    if (!has_token_reviews) {
      resource_kind reviews;
      reviews.group = "authentication.k8s.io";
      reviews.version = "v1";
      reviews.resource = "tokenreviews";
      reviews.kind = "TokenReview";
      reviews.singular = "tokenreview";
      reviews.namespaced = false;
      reviews.verbs = {"create"};
      all.push_back(std::move(reviews));
    }
    return all;
  }();
  return kinds;
}

const resource_kind* find_served_kind(std::string_view group, std::string_view version,
                                      std::string_view resource) {
  for (const auto& kind : served_kinds()) {
    if (same_group_version(kind, group, version) && kind.resource == resource) return &kind;
  }
  return nullptr;
}

json version_info() {
  const std::string git_version =
      "v" + std::string(kube_major) + "." + std::string(kube_minor) + ".0-kubesim";
  return {{"major", kube_major},       {"minor", kube_minor},
          {"gitVersion", git_version}, {"gitCommit", "0000000000000000000000000000000000000000"},
          {"gitTreeState", "clean"},   {"buildDate", "2026-01-01T00:00:00Z"},
          {"goVersion", "go1.23.0"},   {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

json api_versions(const std::vector<resource_kind>& kinds) {
  json versions = json::array();
  for (const auto& kind : kinds) {
    if (kind.group.empty() && std::find(versions.begin(), versions.end(), kind.version) == versions.end())
      versions.push_back(kind.version);
  }
  return {
      {"kind", "APIVersions"},
      {"versions", versions},
      {"serverAddressByClientCIDRs", json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", ""}}})}};
}

std::optional<json> api_group(const std::vector<resource_kind>& kinds, std::string_view group) {
  if (group.empty()) return std::nullopt;
  json versions = json::array();
  for (const auto& kind : kinds) {
    if (kind.group != group) continue;
    json entry = {{"groupVersion", kind.api_version()}, {"version", kind.version}};
    if (std::find(versions.begin(), versions.end(), entry) == versions.end()) versions.push_back(entry);
  }
  if (versions.empty()) return std::nullopt;
  // The first version listed by the model is the preferred one, as kube-apiserver lists newest first.
  return json{{"kind", "APIGroup"},
              {"apiVersion", "v1"},
              {"name", group},
              {"versions", versions},
              {"preferredVersion", versions.front()}};
}

json api_group_list(const std::vector<resource_kind>& kinds) {
  json groups = json::array();
  std::vector<std::string> seen;
  for (const auto& kind : kinds) {
    if (kind.group.empty() || std::find(seen.begin(), seen.end(), kind.group) != seen.end()) continue;
    seen.push_back(kind.group);
    json group = *api_group(kinds, kind.group);
    group.erase("kind");
    group.erase("apiVersion");
    groups.push_back(std::move(group));
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<json> api_resource_list(const std::vector<resource_kind>& kinds, std::string_view group,
                                      std::string_view version) {
  json resources = json::array();
  for (const auto& kind : kinds) {
    if (!same_group_version(kind, group, version)) continue;
    json entry = {{"name", kind.resource},
                  {"singularName", kind.singular},
                  {"namespaced", kind.namespaced},
                  {"kind", kind.kind},
                  {"verbs", kind.verbs}};
    if (!kind.short_names.empty()) entry["shortNames"] = kind.short_names;
    resources.push_back(std::move(entry));
    for (const auto& subresource : kind.subresources)
      resources.push_back(subresource_entry(kind, subresource));
  }
  if (resources.empty()) return std::nullopt;
  const std::string group_version =
      group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  return json{{"kind", "APIResourceList"},
              {"apiVersion", "v1"},
              {"groupVersion", group_version},
              {"resources", resources}};
}

json openapi_v3_root(const std::vector<resource_kind>& kinds) {
  json paths = json::object();
  for (const auto& kind : kinds) {
    const std::string path = group_version_path(kind.group, kind.version);
    // The hash only has to change when the document does; the document is fixed per build.
    paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=kubesim"}};
  }
  return {{"paths", paths}};
}

std::optional<json> openapi_v3_group_version(const std::vector<resource_kind>& kinds, std::string_view group,
                                             std::string_view version) {
  json paths = json::object();
  for (const auto& kind : kinds) {
    if (!same_group_version(kind, group, version)) continue;
    if (std::find(kind.verbs.begin(), kind.verbs.end(), "patch") == kind.verbs.end()) continue;
    std::string path = "/" + group_version_path(group, version) + "/";
    if (kind.namespaced) path += "namespaces/{namespace}/";
    path += kind.resource + "/{name}";
    // kubectl looks for a PATCH operation tagged with the kind that accepts ?fieldValidation=; finding
    // one, it leaves validation to the server. No requestBody: kubectl then computes apply patches from
    // its compiled-in types rather than from this (schema-less) document.
    paths[path] = {
        {"patch",
         {{"operationId", "patch" + kind.kind},
          {"x-kubernetes-action", "patch"},
          {"x-kubernetes-group-version-kind",
           {{"group", kind.group}, {"version", kind.version}, {"kind", kind.kind}}},
          {"parameters",
           json::array({{{"name", "fieldValidation"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
                        {{"name", "dryRun"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
                        {{"name", "fieldManager"}, {"in", "query"}, {"schema", {{"type", "string"}}}}})},
          {"responses", {{"200", {{"description", "OK"}}}}}}}};
  }
  if (paths.empty() && !std::any_of(kinds.begin(), kinds.end(), [&](const resource_kind& kind) {
        return same_group_version(kind, group, version);
      }))
    return std::nullopt;
  return json{{"openapi", "3.0.0"},
              {"info",
               {{"title", "Kubernetes"},
                {"version", "v" + std::string(kube_major) + "." + std::string(kube_minor) + ".0"}}},
              {"paths", paths},
              {"components", json::object()}};
}

}  // namespace kubesim
