#include "api/request_bodies.h"

#include <nlohmann/json.hpp>

#include "core/duration.h"

namespace devenv::api {
namespace {

using json = nlohmann::json;

// The parser validates UTF-8, so the code points are the bytes that do not continue a sequence.
std::size_t code_points(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++n;
  }
  return n;
}

}  // namespace

result<action_request> parse_action_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return action_request{};
  const auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(errc::invalid_argument, "request body is not a JSON object");
  action_request out;
  for (const auto& [key, value] : j.items()) {
    if (key != "reason") return fail(errc::invalid_argument, "unknown field '" + key + "' in request body");
    if (!value.is_string() || code_points(value.get_ref<const std::string&>()) > max_reason_chars) {
      return fail(errc::invalid_argument, "reason must be a string of at most 200 characters");
    }
    out.reason = value.get<std::string>();
  }
  return out;
}

result<prolong_request> parse_prolong_body(std::string_view body) {
  const auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(errc::invalid_argument, R"(request body must be a JSON object like {"duration":"1h"})");
  for (const auto& [key, value] : j.items()) {
    if (key != "duration" && key != "reason")
      return fail(errc::invalid_argument, "unknown field '" + key + "' in request body");
  }
  const auto it = j.find("duration");
  if (it == j.end() || !it->is_string())
    return fail(errc::invalid_argument, R"(duration is required, as a string such as "1h" or "30m")");
  auto d = parse_duration(it->get_ref<const std::string&>());
  if (!d) return fail(errc::invalid_argument, "duration: " + d.error().message);
  prolong_request out{*d, {}};
  if (const auto reason = j.find("reason"); reason != j.end()) {
    if (!reason->is_string()) return fail(errc::invalid_argument, "reason must be a string");
    out.reason = reason->get<std::string>();
  }
  return out;
}

result<support_pod_request> parse_support_pod_body(std::string_view body) {
  const auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(errc::invalid_argument,
                R"(request body must be a JSON object like {"name":"manage1","size":"M"})");
  }
  for (const auto& [key, value] : j.items()) {
    if (key != "name" && key != "size") return fail(errc::invalid_argument, "unknown field '" + key + "'");
    if (!value.is_string()) return fail(errc::invalid_argument, key + " must be a string");
  }
  const auto name = j.find("name");
  if (name == j.end()) return fail(errc::invalid_argument, "name is required");
  return support_pod_request{name->get<std::string>(), j.value("size", std::string())};
}

}  // namespace devenv::api
