#include "admission/admission_decision.h"

#include <fmt/format.h>

#include "schedule/scheduler_label.h"

namespace devenv::admission {

namespace {

admission_decision malformed(std::string message) {
  admission_decision d;
  d.http_status = 400;
  d.error = std::move(message);
  return d;
}

std::string string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string json_pointer_escape(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (const char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string base64_encode(std::string_view data) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(data[i]) << 16) |
                   (static_cast<unsigned char>(data[i + 1]) << 8) | static_cast<unsigned char>(data[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (const auto rest = data.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned char>(data[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

admission_decision decide_namespace_admission(const json& review, std::string_view label_key,
                                              const env::protection_policy& protection) {
  if (!review.is_object()) return malformed("the body is not a JSON object");
  if (string_field(review, "apiVersion") != "admission.k8s.io/v1" ||
      string_field(review, "kind") != "AdmissionReview") {
    return malformed("expected apiVersion admission.k8s.io/v1, kind AdmissionReview");
  }
  const auto req_it = review.find("request");
  if (req_it == review.end() || !req_it->is_object()) return malformed("the AdmissionReview has no request");
  const json& request = *req_it;
  const std::string uid = string_field(request, "uid");
  if (uid.empty()) return malformed("request.uid is missing");

  admission_decision d;
  json response = {{"uid", uid}, {"allowed", true}};
  const auto dry = request.find("dryRun");
  d.dry_run = dry != request.end() && dry->is_boolean() && dry->get<bool>();

  const auto kind_it = request.find("kind");
  const bool is_namespace = kind_it != request.end() && kind_it->is_object() &&
                            string_field(*kind_it, "kind") == "Namespace" &&
                            string_field(*kind_it, "group").empty();
  const std::string operation = string_field(request, "operation");
  if (is_namespace && (operation == "CREATE" || operation == "UPDATE")) {
    const auto object_it = request.find("object");
    if (object_it == request.end() || !object_it->is_object())
      return malformed("request.object is missing for a namespace " + operation);
    const json& object = *object_it;
    std::string name = string_field(request, "name");
    const json::json_pointer name_ptr("/metadata/name");
    if (name.empty() && object.contains(name_ptr) && object[name_ptr].is_string())
      name = object[name_ptr].get<std::string>();
    if (name.empty()) return malformed("the namespace has no name");

    if (!protection.is_protected(name)) {
      d.namespace_name = name;
      d.converge = !d.dry_run;
      const auto label = schedule::read_scheduler_label(object, label_key);
      if (label.intent == schedule::label_intent::unexpected) {
        response["warnings"] = json::array(
            {fmt::format("label {}={} is neither 'enabled' nor 'disabled': the environment's shutdown "
                         "schedule is treated as disabled",
                         label_key, *label.value)});
      }
      if (operation == "CREATE" && !label.value) {
        const json::json_pointer labels_ptr("/metadata/labels");
        json patch;
        if (object.contains(labels_ptr) && object[labels_ptr].is_object()) {
          patch = json::array({{{"op", "add"},
                                {"path", "/metadata/labels/" + json_pointer_escape(label_key)},
                                {"value", "enabled"}}});
        } else if (object.contains(json::json_pointer("/metadata")) && object["metadata"].is_object()) {
          patch = json::array({{{"op", "add"},
                                {"path", "/metadata/labels"},
                                {"value", {{std::string(label_key), "enabled"}}}}});
        }
        if (!patch.is_null()) {
          response["patchType"] = "JSONPatch";
          response["patch"] = base64_encode(patch.dump());
        }
      }
    }
  }
  d.review = {
      {"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"response", std::move(response)}};
  return d;
}

}  // namespace devenv::admission
