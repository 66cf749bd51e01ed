#include "slack/slash_command.h"

#include <gtest/gtest.h>

#include <string>

namespace devenv::slack {
namespace {

constexpr std::string_view full_body =
    "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&enterprise_id=E0001"
    "&enterprise_name=Globular%20Construct%20Inc&channel_id=C2147483705&channel_name=test&user_id=U2147483697"
    "&user_name=Steve&command=%2Fdevenv&text=prolongate+dev1+for+2h"
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678&trigger_id=13345224609.738474920."
    "8088930838d88f008e0"
    "&api_app_id=A123456&is_enterprise_install=true&future_field=whatever&another_one=";

TEST(SlashCommand, DecodesEveryField) {
  const auto form = decode_form(full_body);
  ASSERT_TRUE(form.has_value());
  const auto got = parse_slash_command(*form);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->token, "gIkuvaNzQIHg97ATvDxqgjtO");
  EXPECT_EQ(got->team_id, "T0001");
  EXPECT_EQ(got->team_domain, "example");
  EXPECT_EQ(got->enterprise_id, "E0001");
  EXPECT_EQ(got->enterprise_name, "Globular Construct Inc");
  EXPECT_EQ(got->channel_id, "C2147483705");
  EXPECT_EQ(got->channel_name, "test");
  EXPECT_EQ(got->user_id, "U2147483697");
  EXPECT_EQ(got->user_name, "Steve");
  EXPECT_EQ(got->command, "/devenv");
  EXPECT_EQ(got->text, "prolongate dev1 for 2h");
  EXPECT_EQ(got->response_url, "https://hooks.slack.com/commands/1234/5678");
  EXPECT_EQ(got->trigger_id, "13345224609.738474920.8088930838d88f008e0");
  EXPECT_EQ(got->api_app_id, "A123456");
  EXPECT_TRUE(got->is_enterprise_install);
}

TEST(SlashCommand, OptionalFieldsMayBeAbsent) {
  const auto form = decode_form(
      "team_id=T1&channel_id=C1&user_id=U1&command=%2Fdevenv&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fr");
  ASSERT_TRUE(form.has_value());
  const auto got = parse_slash_command(*form);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->text, "");
  EXPECT_FALSE(got->is_enterprise_install);
  EXPECT_EQ(got->enterprise_id, "");
}

TEST(SlashCommand, RejectsBrokenRequests) {
  const std::string base =
      "team_id=T1&channel_id=C1&user_id=U1&command=%2Fdevenv&response_url=https%3A%2F%2Fh%2Fr";
  const struct {
    std::string body;
    const char* message_part;
  } cases[] = {
      {"channel_id=C1&user_id=U1&command=%2Fdevenv&response_url=https%3A%2F%2Fh%2Fr", "without `team_id`"},
      {"team_id=T1&user_id=U1&command=%2Fdevenv&response_url=https%3A%2F%2Fh%2Fr", "without `channel_id`"},
      {"team_id=T1&channel_id=C1&command=%2Fdevenv&response_url=https%3A%2F%2Fh%2Fr", "without `user_id`"},
      {"team_id=T1&channel_id=C1&user_id=U1&response_url=https%3A%2F%2Fh%2Fr", "without `command`"},
      {"team_id=T1&channel_id=C1&user_id=U1&command=%2Fdevenv", "without `response_url`"},
      {"team_id=&channel_id=C1&user_id=U1&command=%2Fdevenv&response_url=https%3A%2F%2Fh%2Fr",
       "without `team_id`"},
      {base + "&user_id=U2", "field `user_id` appears 2 times"},
      {base + "&text=a&text=b", "field `text` appears 2 times"},
      {"team_id=T1&channel_id=C1&user_id=U1&command=%2Fdevenv&response_url=file%3A%2F%2F%2Fetc%2Fpasswd",
       "not an http(s) URL"},
      {base + "&is_enterprise_install=yes", "neither true nor false"},
  };
  for (const auto& c : cases) {
    const auto form = decode_form(c.body);
    ASSERT_TRUE(form.has_value()) << c.body;
    const auto got = parse_slash_command(*form);
    ASSERT_FALSE(got.has_value()) << c.body;
    EXPECT_EQ(got.error().code, errc::invalid_argument);
    EXPECT_NE(got.error().message.find(c.message_part), std::string::npos)
        << c.body << ": " << got.error().message;
  }
}

}  // namespace
}  // namespace devenv::slack
