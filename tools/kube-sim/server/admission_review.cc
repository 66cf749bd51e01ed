#include "server/admission_review.h"

#include <openssl/rand.h>

#include <array>
#include <cstdio>

#include "server/webhook_config.h"

namespace kubesim {

using nlohmann::json;

json make_admission_review(const admission_request& request) {
  const resource_kind& kind = *request.kind;
  const json gvk = {{"group", kind.group}, {"version", kind.version}, {"kind", kind.kind}};
  const json gvr = {{"group", kind.group}, {"version", kind.version}, {"resource", kind.resource}};
  json options = {{"apiVersion", "meta.k8s.io/v1"},
                  {"kind", request.operation == "CREATE" ? "CreateOptions" : "UpdateOptions"}};
  if (request.dry_run) options["dryRun"] = json::array({"All"});
  if (!request.field_manager.empty()) options["fieldManager"] = request.field_manager;
  json body = {{"uid", request.uid},
               {"kind", gvk},
               {"resource", gvr},
               {"requestKind", gvk},
               {"requestResource", gvr},
               {"name", request.name},
               {"operation", request.operation},
               {"userInfo", request.user.to_json()},
               {"object", request.object},
               {"oldObject", request.operation == "UPDATE" ? request.old_object : json(nullptr)},
               {"dryRun", request.dry_run},
               {"options", options}};
  if (!request.ns.empty()) body["namespace"] = request.ns;
  return {{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"request", std::move(body)}};
}

tl::expected<admission_answer, std::string> parse_admission_answer(std::string_view body,
                                                                   std::string_view uid) {
  const json review = json::parse(body, nullptr, false);
  if (review.is_discarded() || !review.is_object())
    return tl::unexpected(std::string("response is not JSON"));
  if (review.value("apiVersion", "") != "admission.k8s.io/v1" ||
      review.value("kind", "") != "AdmissionReview")
    return tl::unexpected(
        std::string("expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got " +
                    review.value("apiVersion", "") + ", Kind=" + review.value("kind", "")));
  if (!review.contains("response") || !review["response"].is_object())
    return tl::unexpected(std::string("webhook response was absent"));
  const json& response = review["response"];
  const std::string echoed = response.value("uid", "");
  if (echoed != uid)
    return tl::unexpected("expected response.uid=\"" + std::string(uid) + "\", got \"" + echoed + "\"");
  admission_answer answer;
  if (!response.contains("allowed") || !response["allowed"].is_boolean())
    return tl::unexpected(std::string("response.allowed must be a boolean"));
  answer.allowed = response["allowed"].get<bool>();
  if (response.contains("status") && response["status"].is_object()) {
    const json& status = response["status"];
    if (status.contains("code") && status["code"].is_number_integer())
      answer.code = status["code"].get<int>();
    answer.reason = status.value("reason", "");
    answer.message = status.value("message", "");
  }
  if (response.contains("warnings") && response["warnings"].is_array()) {
    for (const auto& warning : response["warnings"]) {
      if (warning.is_string()) answer.warnings.push_back(warning.get<std::string>());
    }
  }
  const std::string patch = response.value("patch", "");
  if (!patch.empty()) {
    const std::string type = response.value("patchType", "");
    if (type != "JSONPatch") return tl::unexpected("unsupported patch type \"" + type + "\"");
    auto decoded = base64_decode(patch);
    if (!decoded) return tl::unexpected(std::string("response.patch is not base64"));
    json operations = json::parse(*decoded, nullptr, false);
    if (operations.is_discarded() || !operations.is_array())
      return tl::unexpected(std::string("response.patch is not a JSON Patch (a list of operations)"));
    answer.patch = std::move(operations);
  }
  return answer;
}

std::string random_uuid() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // Uniqueness per call is all a uid needs; the CSPRNG failing is not worth failing admission over.
    static unsigned counter = 0;
    bytes[0] = static_cast<unsigned char>(++counter);
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return text;
}

}  // namespace kubesim
