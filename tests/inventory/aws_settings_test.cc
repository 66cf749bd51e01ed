#include "inventory/aws_settings.h"

#include <gtest/gtest.h>

#include <map>

namespace devenv::inventory {
namespace {

using namespace std::chrono_literals;

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

result<aws_settings> parse(const std::string& yaml, std::map<std::string, std::string> vars = {}) {
  return parse_aws_settings(yaml.empty() ? YAML::Node() : YAML::Load(yaml), env_of(std::move(vars)));
}

TEST(aws_settings, defaults_are_off_sqlite_and_sixty_seconds) {
  auto s = parse("");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->enabled);
  EXPECT_EQ(s->store, store_kind::sqlite);
  EXPECT_EQ(s->refresh_period, 60s);
  EXPECT_EQ(s->tags.namespace_key, "namespace");
  EXPECT_EQ(s->tags.scheduler_key, "scheduler");
  EXPECT_EQ(s->tags.scheduler_value, "enabled");
  EXPECT_FALSE(s->wait_for_ready);
}

TEST(aws_settings, reads_every_key) {
  auto s = parse(R"(
enabled: true
region: eu-west-1
tags: {namespace_key: env, scheduler_key: autostop, scheduler_value: "yes"}
refresh_period: 2m
guard_period: 1h
store: dynamodb
sqlite_path: /tmp/x.db
dynamodb_table: inv
create_table: true
wait_for_ready: true
wait_timeout: 300
wait_interval: 5s
)");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->enabled);
  EXPECT_EQ(s->region, "eu-west-1");
  EXPECT_EQ(s->tags.namespace_key, "env");
  EXPECT_EQ(s->tags.scheduler_value, "yes");
  EXPECT_EQ(s->refresh_period, 120s);
  EXPECT_EQ(s->guard_period, 3600s);
  EXPECT_EQ(s->store, store_kind::dynamodb);
  EXPECT_EQ(s->sqlite_path, "/tmp/x.db");
  EXPECT_EQ(s->dynamodb_table, "inv");
  EXPECT_TRUE(s->create_table);
  EXPECT_TRUE(s->wait_for_ready);
  EXPECT_EQ(s->wait_timeout, 300s);
  EXPECT_EQ(s->wait_interval, 5s);
}

TEST(aws_settings, environment_overrides_the_file) {
  auto s = parse("region: eu-west-1\nstore: sqlite\n", {{"DEVENV_AWS_ENABLED", "true"},
                                                        {"DEVENV_AWS_REGION", "us-east-2"},
                                                        {"DEVENV_AWS_STORE", "dynamodb"},
                                                        {"DEVENV_AWS_DYNAMODB_TABLE", "t2"},
                                                        {"DEVENV_AWS_SQLITE_PATH", "/data/i.db"}});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->enabled);
  EXPECT_EQ(s->region, "us-east-2");
  EXPECT_EQ(s->store, store_kind::dynamodb);
  EXPECT_EQ(s->dynamodb_table, "t2");
  EXPECT_EQ(s->sqlite_path, "/data/i.db");
  auto from_aws = parse("", {{"AWS_REGION", "ap-south-1"}});
  ASSERT_TRUE(from_aws);
  EXPECT_EQ(from_aws->region, "ap-south-1");
}

TEST(aws_settings, rejects_bad_input_naming_the_key) {
  struct row {
    std::string yaml;
    std::string message_part;
  };
  const std::vector<row> rows = {
      {"regoin: x", "unknown key 'regoin'"},
      {"tags: {namespace: x}", "aws.tags: unknown key 'namespace'"},
      {"tags: [a]", "aws.tags must be a mapping"},
      {"store: redis", "sqlite or dynamodb"},
      {"enabled: maybe", "aws.enabled"},
      {"refresh_period: 1s", "at least 5s"},
      {"refresh_period: 10x", "unit"},
      {"refresh_period: -3", "aws.refresh_period"},
      {"refresh_period: 2m\nguard_period: 1m", "guard_period"},
      {"tags: {scheduler_value: ''}", "must not be empty"},
      {"store: dynamodb\ndynamodb_table: ''", "dynamodb_table is empty"},
      {"- a", "aws must be a mapping"},
      {"region: [a]", "aws.region must be a scalar"},
  };
  for (const auto& r : rows) {
    auto s = parse(r.yaml);
    ASSERT_FALSE(s) << r.yaml;
    EXPECT_EQ(s.error().code, errc::invalid_argument);
    EXPECT_NE(s.error().message.find(r.message_part), std::string::npos)
        << r.yaml << " -> " << s.error().message;
  }
  auto bad_env = parse("", {{"DEVENV_AWS_ENABLED", "yes please"}});
  ASSERT_FALSE(bad_env);
}

}  // namespace
}  // namespace devenv::inventory
