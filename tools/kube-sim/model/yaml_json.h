// YAML → JSON conversion for manifests and server-side-apply bodies. Plain scalars are typed like the
// YAML 1.2 core schema (null, true/false, integers, floats); quoted scalars stay strings. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "model/api_error.h"

namespace kubesim {

// Every document of a (multi-document) YAML stream; empty documents are skipped. Bad YAML → 400 naming the
// line and column.
result<std::vector<nlohmann::json>> parse_yaml_documents(std::string_view text);

}  // namespace kubesim
