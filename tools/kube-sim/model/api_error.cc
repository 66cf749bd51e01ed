#include "model/api_error.h"

#include <fmt/format.h>

namespace kubesim {
namespace {

// "deployments.apps" → {"deployments", "apps"}; "namespaces" → {"namespaces", ""}.
std::pair<std::string, std::string> split_qualified(std::string_view qualified) {
  const auto dot = qualified.find('.');
  if (dot == std::string_view::npos) return {std::string(qualified), ""};
  return {std::string(qualified.substr(0, dot)), std::string(qualified.substr(dot + 1))};
}

nlohmann::json details_for(std::string_view qualified, std::string_view name) {
  auto [kind, group] = split_qualified(qualified);
  nlohmann::json d = nlohmann::json::object();
  if (!name.empty()) d["name"] = name;
  if (!group.empty()) d["group"] = group;
  if (!kind.empty()) d["kind"] = kind;
  return d;
}

api_error make(int code, std::string reason, std::string message,
               nlohmann::json details = nlohmann::json::object()) {
  api_error e;
  e.code = code;
  e.reason = std::move(reason);
  e.message = std::move(message);
  e.details = std::move(details);
  return e;
}

}  // namespace

nlohmann::json api_error::to_status() const {
  nlohmann::json s = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                      {"status", "Failure"}, {"message", message}, {"reason", reason}};
  if (details.is_object() && !details.empty()) s["details"] = details;
  s["code"] = code;
  return s;
}

api_error api_error::not_found(std::string_view resource_group, std::string_view name) {
  return make(404, "NotFound", fmt::format("{} \"{}\" not found", resource_group, name),
              details_for(resource_group, name));
}

api_error api_error::already_exists(std::string_view resource_group, std::string_view name) {
  return make(409, "AlreadyExists", fmt::format("{} \"{}\" already exists", resource_group, name),
              details_for(resource_group, name));
}

api_error api_error::conflict(std::string_view resource_group, std::string_view name, std::string_view why) {
  return make(409, "Conflict",
              fmt::format("Operation cannot be fulfilled on {} \"{}\": {}", resource_group, name, why),
              details_for(resource_group, name));
}

api_error api_error::invalid(std::string_view kind, std::string_view name, std::string_view message) {
  return make(422, "Invalid", fmt::format("{} \"{}\" is invalid: {}", kind, name, message),
              details_for(kind, name));
}

api_error api_error::invalid_fields(std::string_view kind, std::string_view name,
                                    const std::vector<field_cause>& causes) {
  std::string joined;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : causes) {
    const std::string one = fmt::format("{}: {}", c.field, c.message);
    joined += joined.empty() ? one : ", " + one;
    list.push_back({{"reason", c.reason}, {"message", c.message}, {"field", c.field}});
  }
  // kube-apiserver brackets an aggregate of several field errors.
  if (causes.size() > 1) joined = "[" + joined + "]";
  api_error e = make(422, "Invalid", fmt::format("{} \"{}\" is invalid: {}", kind, name, joined),
                     details_for(kind, name));
  e.details["causes"] = std::move(list);
  return e;
}

api_error api_error::bad_request(std::string_view message) {
  return make(400, "BadRequest", std::string(message));
}

api_error api_error::forbidden(std::string_view resource_group, std::string_view name, std::string_view why) {
  return make(403, "Forbidden", fmt::format("{} \"{}\" is forbidden: {}", resource_group, name, why),
              details_for(resource_group, name));
}

// kube-apiserver's NewResourceExpired: 410 with reason Expired (not Gone).
api_error api_error::gone(std::string_view message) {
  return make(410, "Expired", std::string(message));
}

api_error api_error::method_not_allowed(std::string_view message) {
  return make(405, "MethodNotAllowed", std::string(message));
}

api_error api_error::unsupported_media_type(std::string_view content_type) {
  return make(415, "UnsupportedMediaType",
              fmt::format("the body of the request was in an unknown format - accepted media types include: "
                          "application/json-patch+json, application/merge-patch+json, "
                          "application/apply-patch+yaml, application/strategic-merge-patch+json (got {})",
                          content_type));
}

}  // namespace kubesim
