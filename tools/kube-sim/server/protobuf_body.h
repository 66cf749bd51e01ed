// Request bodies in Kubernetes' protobuf encoding (Content-Type application/vnd.kubernetes.protobuf), as
// kubectl's typed commands send them (`kubectl create namespace X`): the envelope is the magic "k8s\0"
// followed by a runtime.Unknown {typeMeta, raw, contentEncoding, contentType} whose raw bytes are the
// object. Only core/v1 Namespace is decoded (metadata name, generateName, labels, annotations,
// finalizers; spec.finalizers) — into the JSON the server then handles as a JSON create; any other kind
// answers 415 like before. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "model/api_error.h"

namespace kubesim {

bool is_protobuf_content_type(std::string_view content_type);

// The object in a protobuf request body, as JSON; 415 for kinds it cannot decode, 400 for a garbled body.
result<nlohmann::json> decode_protobuf_object(std::string_view body);

}  // namespace kubesim
