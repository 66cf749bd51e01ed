// libFuzzer target: an AdmissionReview body as the API server (or anyone reaching the webhook port) posts it,
// through decide_namespace_admission. Invariants: never throws; the answer is 200 or 400 (400 with a
// reason); a 200 answers the same uid, never blocks a namespace, and any patch is base64 JSON Patch.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "admission/admission_decision.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using json = nlohmann::json;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const json review = json::parse(body, nullptr, false);
  if (review.is_discarded()) return 0;  // the route answers 400 before deciding
  static const devenv::env::protection_policy protection{};
  const auto decision = devenv::admission::decide_namespace_admission(review, "scheduler", protection);
  check(decision.http_status == 200 || decision.http_status == 400);
  if (decision.http_status == 400) {
    check(!decision.error.empty());
    return 0;
  }
  const json& response = decision.review.at("response");
  check(response.at("uid") == review.at("request").at("uid"));
  check(response.at("allowed") == true);
  if (response.contains("patch")) check(response.value("patchType", "") == "JSONPatch");
  // The answer must serialise (it goes back to the API server as JSON).
  check(!decision.review.dump(-1, ' ', false, json::error_handler_t::strict).empty());
  return 0;
}
