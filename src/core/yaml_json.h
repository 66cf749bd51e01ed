// YAML → JSON conversion (manifests, the OpenAPI document, server-side-apply bodies). Plain scalars are typed
// like the YAML 1.2 core schema (null, true/false, integers, floats); quoted scalars stay strings. Pure;
// thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace devenv {

// Every document of a (multi-document) YAML stream; empty documents are skipped. Bad YAML is
// errc::invalid_argument naming the line and column.
result<std::vector<nlohmann::json>> parse_yaml_documents(std::string_view text);

}  // namespace devenv
