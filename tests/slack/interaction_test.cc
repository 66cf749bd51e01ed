#include "slack/interaction.h"
#include "slack/form.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace devenv::slack {
namespace {

using nlohmann::json;

result<interaction> parse_payload(const std::string& payload_text) {
  const auto form = decode_form("payload=" + encode_form_value(payload_text));
  if (!form) return tl::unexpected(form.error());
  return parse_interaction(*form);
}

// Shaped like Slack's block_actions payload, with fields we do not read left in on purpose.
json button_press() {
  return json::parse(R"({
    "type": "block_actions",
    "user": {"id": "U0CA5", "username": "amy", "name": "amy.m", "team_id": "T3MDE"},
    "api_app_id": "A0CA5",
    "token": "Shh_its_a_seekrit",
    "container": {"type": "message", "message_ts": "1548261231.000200", "channel_id": "C0CA5", "is_ephemeral": false},
    "trigger_id": "12466734323.1395872398",
    "team": {"id": "T0CA5", "domain": "example"},
    "enterprise": null,
    "is_enterprise_install": false,
    "channel": {"id": "C0CA5", "name": "dev"},
    "message": {"type": "message", "ts": "1548261231.000200", "text": "dev1 is running", "blocks": []},
    "state": {"values": {}},
    "response_url": "https://hooks.slack.com/actions/T0CA5/1/abc",
    "actions": [{"action_id": "prolong", "block_id": "b1", "text": {"type": "plain_text", "text": "+1 h"},
                 "value": "dev1", "type": "button", "action_ts": "1548426417.840180", "style": "primary"}],
    "a_future_field": {"nested": [1, 2, 3]}
  })");
}

TEST(Interaction, DecodesABlockAction) {
  const auto got = parse_payload(button_press().dump());
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->type, "block_actions");
  EXPECT_EQ(got->user_id, "U0CA5");
  EXPECT_EQ(got->user_name, "amy");
  EXPECT_EQ(got->team_id, "T0CA5");
  EXPECT_EQ(got->channel_id, "C0CA5");
  EXPECT_EQ(got->channel_name, "dev");
  EXPECT_EQ(got->message_ts, "1548261231.000200");
  EXPECT_EQ(got->response_url, "https://hooks.slack.com/actions/T0CA5/1/abc");
  EXPECT_EQ(got->trigger_id, "12466734323.1395872398");
  EXPECT_EQ(got->api_app_id, "A0CA5");
  ASSERT_EQ(got->actions.size(), 1u);
  EXPECT_EQ(got->actions[0].action_id, "prolong");
  EXPECT_EQ(got->actions[0].value, "dev1");
  EXPECT_EQ(got->actions[0].block_id, "b1");
  EXPECT_EQ(got->actions[0].action_ts, "1548426417.840180");
}

TEST(Interaction, FallsBackWhenOptionalPartsAreMissing) {
  json p = button_press();
  p.erase("channel");
  p.erase("container");
  p["user"].erase("username");
  p["actions"][0].erase("value");
  const auto got = parse_payload(p.dump());
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->channel_id, "");
  EXPECT_EQ(got->message_ts, "1548261231.000200");  // from message.ts
  EXPECT_EQ(got->user_name, "amy.m");
  EXPECT_EQ(got->actions[0].value, "");
}

TEST(Interaction, RejectsMalformedPayloads) {
  const auto with = [](auto edit) {
    json p = button_press();
    edit(p);
    return p.dump();
  };
  const struct {
    const char* name;
    std::string payload;
    const char* message_part;
  } cases[] = {
      {"not json", "{\"type\":", "not JSON"},
      {"not an object", "[1,2]", "not a JSON object"},
      {"view submission", with([](json& p) { p["type"] = "view_submission"; }),
       "`view_submission` is not supported"},
      {"no type", with([](json& p) { p.erase("type"); }), "is not supported"},
      {"no user", with([](json& p) { p.erase("user"); }), "without `user.id`"},
      {"numeric user id", with([](json& p) { p["user"]["id"] = 42; }), "`user.id` is not a string"},
      {"no response_url", with([](json& p) { p.erase("response_url"); }), "without `response_url`"},
      {"no actions", with([](json& p) { p.erase("actions"); }), "without `actions`"},
      {"empty actions", with([](json& p) { p["actions"] = json::array(); }), "without `actions`"},
      {"action not object", with([](json& p) { p["actions"][0] = "stop"; }), "not an object"},
      {"action without id", with([](json& p) { p["actions"][0].erase("action_id"); }), "without `action_id`"},
      {"action value object", with([](json& p) { p["actions"][0]["value"] = json::object(); }),
       "`actions[].value` is not a string"},
  };
  for (const auto& c : cases) {
    const auto got = parse_payload(c.payload);
    ASSERT_FALSE(got.has_value()) << c.name;
    EXPECT_EQ(got.error().code, errc::invalid_argument) << c.name;
    EXPECT_NE(got.error().message.find(c.message_part), std::string::npos)
        << c.name << ": " << got.error().message;
  }
}

TEST(Interaction, NeedsExactlyOnePayloadField) {
  const auto missing = decode_form("foo=bar");
  ASSERT_TRUE(missing.has_value());
  EXPECT_NE(parse_interaction(*missing).error().message.find("without a `payload`"), std::string::npos);
  const auto twice = decode_form("payload=%7B%7D&payload=%7B%7D");
  ASSERT_TRUE(twice.has_value());
  EXPECT_NE(parse_interaction(*twice).error().message.find("appears 2 times"), std::string::npos);
}

}  // namespace
}  // namespace devenv::slack
