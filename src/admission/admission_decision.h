// admission_decision: the namespace admission webhook's answer to one AdmissionReview (admission.k8s.io/v1),
// decided without any I/O (it must answer in well under the webhook's timeout, and a namespace being
// created does not exist yet, so there is nothing to read or write during admission: original.md defect 4).
//
// Rules (DESIGN.md sections 2 and 4):
//   - malformed review (not JSON, wrong apiVersion/kind, no request or uid, a namespace request without
//     an object) → HTTP 400 with a message; nothing is decided and nothing happens;
//   - any other resource or operation (DELETE, CONNECT) → allowed, untouched;
//   - protected namespaces → allowed, untouched, no CronJob;
//   - namespaces are never blocked (allowed is always true): a CREATE without the scheduler label gets a
//     JSONPatch adding `<label>=enabled` so the intent is visible; a value other than enabled/disabled gets
//     an admission warning and is treated as disabled;
//   - `request.dryRun` is echoed in `dry_run`: the caller must not act on a dry-run request.
// Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "env/protection.h"

namespace devenv::admission {

using json = nlohmann::json;

struct admission_decision {
  unsigned http_status = 200;  // 400 for a malformed review
  std::string error;           // why, for 400
  json review;                 // the AdmissionReview to answer with (for 200)
  std::string namespace_name;  // the namespace the request is about ("" when not a managed namespace)
  bool dry_run = false;
  // True when the namespace's CronJob should be converged after answering (a managed namespace's
  // CREATE/UPDATE that is not a dry run).
  bool converge = false;
};

admission_decision decide_namespace_admission(const json& review, std::string_view label_key,
                                              const env::protection_policy& protection);

// RFC 6901: "~" → "~0", "/" → "~1" (label keys such as "devenv.io/scheduler" contain slashes).
std::string json_pointer_escape(std::string_view token);
std::string base64_encode(std::string_view data);

}  // namespace devenv::admission
