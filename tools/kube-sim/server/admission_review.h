// The admission.k8s.io/v1 AdmissionReview exchange as kube-apiserver performs it: the request document sent
// to a webhook and the checks applied to its answer (uid echoed, allowed, JSONPatch, warnings). Pure value
// functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/api_error.h"
#include "model/resource_kind.h"
#include "server/authenticator.h"

namespace kubesim {

struct admission_request {
  std::string uid;        // fresh per call
  std::string operation;  // CREATE or UPDATE
  const resource_kind* kind = nullptr;
  std::string name;
  std::string ns;  // empty for cluster-scoped objects such as namespaces
  nlohmann::json object;
  nlohmann::json old_object;  // UPDATE only
  bool dry_run = false;
  std::string field_manager;
  user_info user;
};

// {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{...}}
nlohmann::json make_admission_review(const admission_request& request);

struct admission_answer {
  bool allowed = false;
  int code = 0;                         // response.status.code, 0 when absent
  std::string reason;                   // response.status.reason
  std::string message;                  // response.status.message
  std::optional<nlohmann::json> patch;  // decoded JSONPatch operations
  std::vector<std::string> warnings;
};

// Checks an AdmissionReview answer like the apiserver: JSON, kind/apiVersion, response.uid equal to
// `uid`, a patch only with patchType JSONPatch and valid base64 JSON. Any violation is an error message
// (the caller treats it as a failed call, subject to failurePolicy).
tl::expected<admission_answer, std::string> parse_admission_answer(std::string_view body,
                                                                   std::string_view uid);

// A fresh random (version 4) UUID.
std::string random_uuid();

}  // namespace kubesim
