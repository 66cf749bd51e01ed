#include "slack/interaction.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace devenv::slack {
namespace {

using nlohmann::json;

// Reads an optional string member; a present member of another type is an error because it means we have
// misunderstood the payload, and acting on a misunderstanding is worse than refusing.
result<std::string> optional_string(const json& object, std::string_view key, std::string_view where) {
  if (!object.is_object()) return std::string{};
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string{};
  if (!it->is_string()) {
    return fail(errc::invalid_argument, fmt::format("interaction `{}{}` is not a string", where, key));
  }
  return it->get<std::string>();
}

const json& member(const json& object, std::string_view key) {
  static const json null_value;
  if (!object.is_object()) return null_value;
  const auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

result<interaction> from_json(const json& payload) {
  if (!payload.is_object()) return fail(errc::invalid_argument, "interaction payload is not a JSON object");
  interaction out;
  struct field {
    const json* object;
    std::string_view where;
    std::string_view key;
    std::string* target;
  };
  const json& user = member(payload, "user");
  const json& team = member(payload, "team");
  const json& channel = member(payload, "channel");
  const json& container = member(payload, "container");
  const json& message = member(payload, "message");
  std::string username;
  std::string name;
  std::string container_channel;
  std::string container_ts;
  std::string message_ts;
  const field fields[] = {
      {&payload, "", "type", &out.type},
      {&user, "user.", "id", &out.user_id},
      {&user, "user.", "username", &username},
      {&user, "user.", "name", &name},
      {&team, "team.", "id", &out.team_id},
      {&channel, "channel.", "id", &out.channel_id},
      {&channel, "channel.", "name", &out.channel_name},
      {&container, "container.", "channel_id", &container_channel},
      {&container, "container.", "message_ts", &container_ts},
      {&message, "message.", "ts", &message_ts},
      {&payload, "", "response_url", &out.response_url},
      {&payload, "", "trigger_id", &out.trigger_id},
      {&payload, "", "api_app_id", &out.api_app_id},
  };
  for (const field& f : fields) {
    auto value = optional_string(*f.object, f.key, f.where);
    if (!value) return tl::unexpected(value.error());
    *f.target = std::move(*value);
  }
  if (out.type != "block_actions") {
    return fail(
        errc::invalid_argument,
        fmt::format("interaction type `{}` is not supported (only block_actions)", out.type.substr(0, 40)));
  }
  if (out.user_id.empty()) return fail(errc::invalid_argument, "interaction without `user.id`");
  if (out.response_url.empty()) return fail(errc::invalid_argument, "interaction without `response_url`");
  out.user_name = username.empty() ? name : username;
  if (out.channel_id.empty()) out.channel_id = container_channel;
  out.message_ts = container_ts.empty() ? message_ts : container_ts;

  const json& actions = member(payload, "actions");
  if (!actions.is_array() || actions.empty()) {
    return fail(errc::invalid_argument, "interaction without `actions`");
  }
  for (const json& a : actions) {
    if (!a.is_object()) return fail(errc::invalid_argument, "interaction action is not an object");
    block_action action;
    for (const auto& [key, target] :
         {std::pair<std::string_view, std::string*>{"action_id", &action.action_id},
          {"value", &action.value},
          {"block_id", &action.block_id},
          {"action_ts", &action.action_ts}}) {
      auto value = optional_string(a, key, "actions[].");
      if (!value) return tl::unexpected(value.error());
      *target = std::move(*value);
    }
    if (action.action_id.empty())
      return fail(errc::invalid_argument, "interaction action without `action_id`");
    out.actions.push_back(std::move(action));
  }
  return out;
}

}  // namespace

result<interaction> parse_interaction(const form_fields& form) {
  auto payload = form.single("payload");
  if (!payload) return tl::unexpected(payload.error());
  if (!payload->has_value()) return fail(errc::invalid_argument, "interaction without a `payload` field");
  json parsed;
  try {
    parsed = json::parse(**payload);
  } catch (const json::exception& e) {
    return fail(errc::invalid_argument, fmt::format("interaction payload is not JSON: {}", e.what()));
  }
  return from_json(parsed);
}

}  // namespace devenv::slack
