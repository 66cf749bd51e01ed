// The PATCH body formats kube-apiserver accepts, applied to a JSON object. Pure; thread-safe.
//  - merge: RFC 7386 (null removes a key, arrays replace).
//  - strategic_merge: a merge patch that also merges the well-known keyed lists (containers by name, ports by
//    containerPort, env by name, conditions by type, ...) and honours the directives `$patch:
//    delete|replace`,
//    `$retainKeys`, `$deleteFromPrimitiveList/<key>` and ignores `$setElementOrder/<key>`. Other `$` keys →
//    400.
//  - json_patch: RFC 6902. A body that is not a list of operations → 400 BadRequest; an operation that cannot
//    be applied (failed test, missing path) → 422 Invalid, as the apiserver answers.
//  - apply: server-side apply, simplified to a merge patch of the YAML/JSON body (no managedFields, no
//    conflicts between managers).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "model/api_error.h"
#include "model/store.h"

namespace kubesim {

nlohmann::json apply_merge_patch(nlohmann::json target, const nlohmann::json& patch);
result<nlohmann::json> apply_strategic_merge_patch(nlohmann::json target, const nlohmann::json& patch);
result<nlohmann::json> apply_json_patch(const nlohmann::json& target, const nlohmann::json& patch);

// Parses `body` as the given type (JSON, or YAML for apply) and applies it to `target`.
result<nlohmann::json> apply_patch(const nlohmann::json& target, patch_type type, std::string_view body);

}  // namespace kubesim
