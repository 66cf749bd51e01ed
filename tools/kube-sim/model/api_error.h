// An error as kube-apiserver reports it: an HTTP code, a StatusReason and a message, rendered as a
// meta/v1 Status object. Value type.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <tl/expected.hpp>
#include <vector>

namespace kubesim {

// One entry of Status.details.causes: which field is wrong and why ("FieldValueInvalid",
// "FieldValueRequired").
struct field_cause {
  std::string field;    // "metadata.name"
  std::string reason;   // "FieldValueInvalid"
  std::string message;  // "Invalid value: \"Web\": a lowercase RFC 1123 subdomain must ..."
};

struct api_error {
  int code = 500;       // HTTP status
  std::string reason;   // StatusReason: NotFound, AlreadyExists, Conflict, Invalid, BadRequest, Gone, ...
  std::string message;  // human text, worded like kube-apiserver's
  nlohmann::json details = nlohmann::json::object();  // {name, group, kind, causes[]} when known

  nlohmann::json to_status() const;  // {"kind":"Status","apiVersion":"v1","status":"Failure",...}

  static api_error not_found(std::string_view resource_group,
                             std::string_view name);  // "deployments.apps \"x\" not found"
  static api_error already_exists(std::string_view resource_group, std::string_view name);
  static api_error conflict(std::string_view resource_group, std::string_view name, std::string_view why);
  static api_error invalid(std::string_view kind, std::string_view name, std::string_view message);
  // "Deployment.apps \"x\" is invalid: f: m" with details.causes, as the apiserver aggregates field errors.
  static api_error invalid_fields(std::string_view kind, std::string_view name,
                                  const std::vector<field_cause>& causes);
  static api_error bad_request(std::string_view message);
  static api_error forbidden(std::string_view resource_group, std::string_view name, std::string_view why);
  static api_error gone(std::string_view message);
  static api_error method_not_allowed(std::string_view message);
  static api_error unsupported_media_type(std::string_view content_type);
};

template <class T>
using result = tl::expected<T, api_error>;

}  // namespace kubesim
