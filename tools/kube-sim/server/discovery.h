// The discovery documents kube-apiserver serves and kubectl reads before anything else: /version, /api,
// /apis, /api/v1 and /apis/<g>/<v> resource lists, and a minimal OpenAPI v3 (one PATCH operation per kind
// that declares the fieldValidation parameter, so kubectl validates server-side instead of downloading a
// full schema). Pure functions of the served kinds; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "model/resource_kind.h"

namespace kubesim {

// Every kind the server answers for: the model's kinds plus those served by the server itself
// (authentication.k8s.io/v1 tokenreviews, the serviceaccounts/token subresource). Built once.
const std::vector<resource_kind>& served_kinds();
const resource_kind* find_served_kind(std::string_view group, std::string_view version,
                                      std::string_view resource);

nlohmann::json version_info();                                           // /version
nlohmann::json api_versions(const std::vector<resource_kind>& kinds);    // /api
nlohmann::json api_group_list(const std::vector<resource_kind>& kinds);  // /apis
// /apis/<group> (APIGroup); nullopt for an unknown group.
std::optional<nlohmann::json> api_group(const std::vector<resource_kind>& kinds, std::string_view group);
// /api/v1 or /apis/<g>/<v>; nullopt for an unknown group-version.
std::optional<nlohmann::json> api_resource_list(const std::vector<resource_kind>& kinds,
                                                std::string_view group, std::string_view version);

// /openapi/v3: {"paths": {"apis/apps/v1": {"serverRelativeURL": ...}}}.
nlohmann::json openapi_v3_root(const std::vector<resource_kind>& kinds);
// /openapi/v3/api/v1 or /openapi/v3/apis/<g>/<v>; nullopt for an unknown group-version.
std::optional<nlohmann::json> openapi_v3_group_version(const std::vector<resource_kind>& kinds,
                                                       std::string_view group, std::string_view version);

}  // namespace kubesim
