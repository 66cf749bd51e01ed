// The `leader_election:` section and its environment variables; the identity fallbacks.
#include "lease/election_settings.h"

#include <gtest/gtest.h>

#include <map>

namespace devenv::lease {
namespace {

using namespace std::chrono_literals;

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ElectionSettings, DefaultsAreClientGos) {
  auto s = parse_election_settings(YAML::Node(), env_of({}));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_TRUE(s->enabled);
  EXPECT_EQ(s->lease_name, "devenv-scaler");
  EXPECT_EQ(s->identity, "");
  EXPECT_EQ(s->timing.lease_duration, 15s);
  EXPECT_EQ(s->timing.renew_deadline, 10s);
  EXPECT_EQ(s->timing.retry_period, 2s);
}

TEST(ElectionSettings, FileThenEnvironment) {
  const auto node = YAML::Load(R"(
enabled: false
lease_name: scaler-leader
lease_duration: 30s
renew_deadline: 20s
retry_period: 500ms
identity: replica-a
)");
  auto s = parse_election_settings(node, env_of({}));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_FALSE(s->enabled);
  EXPECT_EQ(s->lease_name, "scaler-leader");
  EXPECT_EQ(s->identity, "replica-a");
  EXPECT_EQ(s->timing.lease_duration, 30s);
  EXPECT_EQ(s->timing.renew_deadline, 20s);
  EXPECT_EQ(s->timing.retry_period, 500ms);

  auto e = parse_election_settings(node, env_of({{"DEVENV_LEADER_ELECTION", "true"},
                                                 {"DEVENV_LEASE_NAME", "other"},
                                                 {"DEVENV_LEADER_IDENTITY", "replica-b"},
                                                 {"DEVENV_LEASE_DURATION", "3"},
                                                 {"DEVENV_LEASE_RENEW_DEADLINE", "2s"},
                                                 {"DEVENV_LEASE_RETRY_PERIOD", "1s"}}));
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_TRUE(e->enabled);
  EXPECT_EQ(e->lease_name, "other");
  EXPECT_EQ(e->identity, "replica-b");
  EXPECT_EQ(e->timing.lease_duration, 3s);
  EXPECT_EQ(e->timing.renew_deadline, 2s);
  EXPECT_EQ(e->timing.retry_period, 1s);
}

TEST(ElectionSettings, BadInputIsAnErrorNamingTheKey) {
  struct bad_case {
    const char* yaml;
    std::map<std::string, std::string> env;
    const char* mentions;
  };
  const std::vector<bad_case> cases = {
      {"lease_time: 15s", {}, "unknown key 'lease_time'"},
      {"enabled: maybe", {}, "leader_election.enabled"},
      {"lease_duration: 15x", {}, "leader_election.lease_duration"},
      {"lease_duration: 1500ms", {}, "whole seconds"},
      {"retry_period: -1s", {}, "leader_election.retry_period"},
      {"renew_deadline: 15s", {}, "renew_deadline must be shorter than lease_duration"},
      {"retry_period: 10s", {}, "renew_deadline must be longer than retry_period"},
      {"lease_name: Not_A_Name", {}, "lease_name"},
      {"lease_name: [a, b]", {}, "leader_election.lease_name"},
      {"", {{"DEVENV_LEADER_ELECTION", "yes"}}, "DEVENV_LEADER_ELECTION"},
      {"", {{"DEVENV_LEASE_RETRY_PERIOD", "fast"}}, "DEVENV_LEASE_RETRY_PERIOD"},
      {"[1, 2]", {}, "must be a mapping"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    auto s = parse_election_settings(YAML::Load(c.yaml), env_of(c.env));
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, errc::invalid_argument);
    EXPECT_NE(s.error().message.find(c.mentions), std::string::npos) << s.error().message;
  }
}

TEST(ElectionSettings, IdentityFallsBackToPodNameThenHostAndPid) {
  EXPECT_EQ(resolve_identity("configured", env_of({{"POD_NAME", "pod-1"}}), "host", 42), "configured");
  EXPECT_EQ(resolve_identity("", env_of({{"POD_NAME", "pod-1"}}), "host", 42), "pod-1");
  EXPECT_EQ(resolve_identity("", env_of({{"POD_NAME", ""}}), "host", 42), "host_42");
  EXPECT_EQ(resolve_identity("", env_of({}), "", 7), "devenv-scaler_7");
}

}  // namespace
}  // namespace devenv::lease
