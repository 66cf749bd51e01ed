// Decoding of Kubernetes objects (apps/v1 Deployment and StatefulSet, v1 Namespace) into the domain's
// values, and of the original-replicas annotation. Pure functions; thread-safe. They never throw: a
// malformed object is an errc::invalid_argument value, so one odd object cannot abort a whole operation.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "env/workload.h"

namespace devenv::env {

// The value of devenv-scaler/original-replicas when it is a non-negative decimal integer that fits an int
// (digits only: no sign, no spaces, no exponent); nullopt for anything else. Stricter than "whatever
// std::stoi accepts" on purpose: a count we are not sure about must never be restored.
std::optional<int> parse_saved_replicas(std::string_view text);

// A Deployment or StatefulSet object as returned by GET/LIST. spec.replicas absent means 1 (the API
// default); devenv-scaler/exclude is honoured when it is "true" in any letter case.
result<workload> workload_from_json(workload_kind kind, const nlohmann::json& object);

// A Namespace object (exists = true); labels and annotations whose values are not strings are dropped.
result<namespace_info> namespace_from_json(const nlohmann::json& object);

}  // namespace devenv::env
