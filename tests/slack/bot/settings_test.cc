#include "slack/bot/settings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "support/temp_dir.h"

namespace devenv::slack {
namespace {

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(SlackSettings, DefaultsWithoutSecretAreDisabled) {
  auto s = parse_slack_settings(YAML::Node(), env_of({}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->enabled);
  EXPECT_EQ(s->api_base_url, "https://slack.com/api");
  EXPECT_EQ(s->fast_read_timeout, std::chrono::milliseconds(2000));
  EXPECT_FALSE(s->access.decide({"U1", "C1", {}}, "status", "dev1", env::protection_policy{}).allowed);
}

TEST(SlackSettings, FullConfiguration) {
  const auto node = YAML::Load(R"(
api_base_url: http://127.0.0.1:9/api/
response_url_prefixes: [http://127.0.0.1:9/]
default_channel: C123
fast_read_timeout: 500ms
web_api_timeout: 3s
web_api_retries: 2
usergroup_cache_ttl: 2m
access:
  default: {environments: ["*"], actions: [status, list]}
  rules:
    - name: backend
      users: [U1]
      groups: [S1]
      environments: ["dev*"]
      actions: [stop, start]
)");
  auto s = parse_slack_settings(
      node, env_of({{"DEVENV_SLACK_SIGNING_SECRET", "sec"}, {"DEVENV_SLACK_BOT_TOKEN", "xoxb-1"}}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->enabled);
  EXPECT_EQ(s->signing_secret, "sec");
  EXPECT_EQ(s->bot_token, "xoxb-1");
  EXPECT_EQ(s->api_base_url, "http://127.0.0.1:9/api");
  EXPECT_EQ(s->response_url_prefixes, std::vector<std::string>{"http://127.0.0.1:9/"});
  EXPECT_EQ(s->fast_read_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(s->web_api_timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(s->web_api_retries, 2);
  EXPECT_EQ(s->usergroup_cache_ttl, std::chrono::seconds(120));
  ASSERT_EQ(s->access.rules().size(), 1u);
  EXPECT_EQ(s->access.referenced_groups(), std::vector<std::string>{"S1"});
  const env::protection_policy protection;
  EXPECT_TRUE(s->access.decide({"U1", "C", {}}, "stop", "dev1", protection).allowed);
  EXPECT_FALSE(s->access.decide({"U2", "C", {}}, "stop", "dev1", protection).allowed);
  EXPECT_TRUE(s->access.decide({"U2", "C", {}}, "status", "dev1", protection).allowed);
}

TEST(SlackSettings, SecretsFromFiles) {
  testing::temp_dir dir("slack-settings");
  const auto secret = dir.write("secret", "from-file\n");
  const auto token = dir.write("token", "xoxb-file");
  auto s = parse_slack_settings(YAML::Node(), env_of({{"DEVENV_SLACK_SIGNING_SECRET_FILE", secret.string()},
                                                      {"DEVENV_SLACK_BOT_TOKEN_FILE", token.string()}}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->signing_secret, "from-file");
  EXPECT_EQ(s->bot_token, "xoxb-file");
  EXPECT_TRUE(s->enabled);

  auto missing =
      parse_slack_settings(YAML::Node(), env_of({{"DEVENV_SLACK_SIGNING_SECRET_FILE", "/nonexistent/x"}}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::not_found);
}

TEST(SlackSettings, Errors) {
  const struct {
    const char* yaml;
    const char* mentions;
  } cases[] = {
      {"colour: blue", "colour"},
      {"signing_secret: abc", "DEVENV_SLACK_SIGNING_SECRET"},
      {"bot_token: xoxb-1", "DEVENV_SLACK_BOT_TOKEN"},
      {"fast_read_timeout: 2h", "fast_read_timeout"},
      {"web_api_retries: 99", "web_api_retries"},
      {"access: {rules: [{name: x, environments: ['*'], actions: [stop]}]}", "names no users"},
      {"access: {rules: [{name: x, users: [U1], actions: [destroy]}]}", "destroy"},
      {"access: {default: {users: [U1], actions: [stop]}}", "default rule applies to everyone"},
      {"access: {rules: [{name: x, users: [U1], actions: [stop], color: red}]}", "color"},
      {"access: [1, 2]", "slack.access"},
      {"web_api_retries: many", "slack"},
  };
  for (const auto& c : cases) {
    auto s = parse_slack_settings(YAML::Load(c.yaml), env_of({{"DEVENV_SLACK_SIGNING_SECRET", "s3cr3t"}}));
    ASSERT_FALSE(s) << c.yaml;
    EXPECT_NE(s.error().message.find(c.mentions), std::string::npos) << c.yaml << ": " << s.error().message;
    EXPECT_EQ(s.error().message.find("s3cr3t"), std::string::npos) << "secret leaked into an error";
  }
}

}  // namespace
}  // namespace devenv::slack

namespace devenv::slack {
namespace {

// The app manifest in deploy/slack must match what the server serves and needs.
TEST(SlackManifest, MatchesTheServer) {
  const auto manifest = YAML::LoadFile(std::string(DEVENV_TEST_SOURCE_DIR) + "/deploy/slack/manifest.yaml");
  const auto commands = manifest["features"]["slash_commands"];
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0]["command"].as<std::string>(), "/devenv");
  const auto url = commands[0]["url"].as<std::string>();
  EXPECT_EQ(url.rfind("https://", 0), 0u) << "Slack only posts to HTTPS";
  EXPECT_TRUE(url.ends_with("/slack/commands")) << url;
  std::vector<std::string> scopes;
  for (const auto& s : manifest["oauth_config"]["scopes"]["bot"]) scopes.push_back(s.as<std::string>());
  for (const char* needed : {"commands", "chat:write", "usergroups:read"}) {
    EXPECT_NE(std::find(scopes.begin(), scopes.end(), needed), scopes.end()) << needed;
  }
  EXPECT_FALSE(manifest["settings"]["socket_mode_enabled"].as<bool>());
}

}  // namespace
}  // namespace devenv::slack
