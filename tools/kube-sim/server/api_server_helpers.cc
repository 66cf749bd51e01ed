#include <algorithm>
#include <cstdio>

#include "server/api_server_parts.h"
#include "server/protobuf_body.h"

namespace kubesim::api_detail {

http::response status_response(const api_error& error) {
  auto response = http::response::json(static_cast<unsigned>(error.code), error.to_status().dump());
  return response;
}

api_error not_found_resource() {
  return api_error{404, "NotFound", "the server could not find the requested resource", json::object()};
}

api_error unauthorized() {
  return api_error{401, "Unauthorized", "Unauthorized", json::object()};
}

api_error forbidden(std::string_view user, std::string_view what) {
  return api_error{403, "Forbidden", "User \"" + std::string(user) + "\" cannot " + std::string(what),
                   json::object()};
}

bool truthy(std::string_view value) {
  return value == "true" || value == "1";
}

std::string resource_group(const resource_kind& kind) {
  return kind.group.empty() ? kind.resource : kind.resource + "." + kind.group;
}

// The body of a create/replace: JSON (client-go's default; YAML is for apply patches), or a protobuf v1
// Namespace (kubectl create namespace), which is turned into the same JSON.
result<json> parse_object_body(const http::request& request) {
  const std::string_view type = request.header("content-type");
  if (is_protobuf_content_type(type)) return decode_protobuf_object(request.body);
  if (!type.empty() && type.find("application/json") == std::string_view::npos &&
      type.find("*/*") == std::string_view::npos)
    return tl::unexpected(api_error::unsupported_media_type(type));
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded())
    return tl::unexpected(api_error::bad_request("the body of the request was not valid JSON"));
  if (!body.is_object())
    return tl::unexpected(api_error::bad_request("the body of the request must be a JSON object"));
  return body;
}

std::optional<patch_type> patch_type_of(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type == "application/merge-patch+json") return patch_type::merge;
  if (type == "application/strategic-merge-patch+json") return patch_type::strategic_merge;
  if (type == "application/json-patch+json") return patch_type::json_patch;
  if (type == "application/apply-patch+yaml") return patch_type::apply;
  return std::nullopt;
}

result<std::int64_t> parse_int_param(const http::request& request, std::string_view name) {
  const std::string value(request.query_param(name));
  if (value.empty()) return 0;
  try {
    std::size_t used = 0;
    const long long parsed = std::stoll(value, &used);
    if (used != value.size() || parsed < 0) throw std::invalid_argument(value);
    return parsed;
  } catch (const std::exception&) {
    return tl::unexpected(api_error::bad_request("invalid value for " + std::string(name) + ": " + value));
  }
}

std::string bearer_token(std::string_view authorization) {
  if (authorization.size() < 7) return "";
  std::string scheme(authorization.substr(0, 7));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (scheme != "bearer ") return "";
  std::string_view token = authorization.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return std::string(token);
}

// Warnings travel as RFC 7234 warning headers with code 299 and agent "-", as the apiserver sends them and
// kubectl prints them ("Warning: text").
void add_warnings(http::response& response, const std::vector<std::string>& warnings) {
  for (const auto& text : warnings) {
    std::string quoted;
    for (const char c : text) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    response.header("Warning", "299 - \"" + quoted + "\"");
  }
}

// kube-apiserver labels every namespace with its own name (so namespaceSelectors can pick namespaces by
// name) before admission; the label cannot be changed or removed.
void label_namespace_name(json& object, std::string_view name) {
  if (name.empty()) return;
  json& meta = object["metadata"];
  if (!meta.contains("labels") || !meta["labels"].is_object()) meta["labels"] = json::object();
  meta["labels"]["kubernetes.io/metadata.name"] = name;
}

}  // namespace kubesim::api_detail
