// The admission seam between the API server and whatever admits namespace writes (the webhook dispatcher,
// or a test's own hook): what a hook sees and what it answers. Plain values; thread-compatible.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/net.h"
#include "model/api_error.h"
#include "model/resource_kind.h"
#include "server/authenticator.h"

namespace kubesim {

// What an admission hook sees: an object about to be created or updated.
struct admission_attributes {
  std::string operation;  // CREATE or UPDATE
  const resource_kind* kind = nullptr;
  std::string name;
  nlohmann::json object;      // the object as it would be stored
  nlohmann::json old_object;  // UPDATE only
  bool dry_run = false;
  user_info user;
  std::string field_manager;  // ?fieldManager=, passed on in AdmissionReview options
};

// The object to store (possibly mutated) or the error to refuse the request with; warnings go back to the
// client as `Warning: 299` headers either way.
struct admission_outcome {
  result<nlohmann::json> object;
  std::vector<std::string> warnings;
};

using admission_hook = std::function<devenv::net::awaitable<admission_outcome>(const admission_attributes&)>;

}  // namespace kubesim
