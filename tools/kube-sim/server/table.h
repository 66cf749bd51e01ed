// Server-side printing: the meta.k8s.io/v1 Table kube-apiserver returns when a client (kubectl get) asks
// for `as=Table`, with the apiserver's columns per kind (deployments: NAME READY UP-TO-DATE AVAILABLE AGE,
// ...) and each row's object as PartialObjectMetadata, the full object, or nothing (?includeObject=).
// Also the PartialObjectMetadata(List) conversion for `as=PartialObjectMetadata`. Pure; thread-safe.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "model/resource_kind.h"

namespace kubesim {

enum class include_object { none, metadata, object };

// "None" / "Metadata" / "Object" as in ?includeObject=; anything else (or empty) is Metadata, the default.
include_object parse_include_object(std::string_view value);

// What the client asked for in its Accept header.
enum class response_form { object, table, partial_metadata };
response_form negotiate_form(std::string_view accept);

// A Table of one object or of a list (kind ending in "List"); `now` computes the AGE column.
nlohmann::json to_table(const resource_kind& kind, const nlohmann::json& object_or_list,
                        include_object include, std::chrono::system_clock::time_point now);
// PartialObjectMetadata of an object, or PartialObjectMetadataList of a list.
nlohmann::json to_partial_metadata(const nlohmann::json& object_or_list);

// kubectl's short ages: "45s", "5m12s", "3h", "2d5h", "400d" (k8s.io/apimachinery duration.HumanDuration).
std::string human_duration(std::chrono::system_clock::duration d);

}  // namespace kubesim
