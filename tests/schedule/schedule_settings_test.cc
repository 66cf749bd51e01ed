// parse_schedule_settings: YAML mapping, environment overrides, validation through make_schedule_config.
#include "schedule/schedule_settings.h"

#include <gtest/gtest.h>

#include <map>

namespace devenv::schedule {
namespace {

using namespace std::chrono_literals;

env_reader env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ScheduleSettings, DefaultsWhenUndefined) {
  auto s = parse_schedule_settings(YAML::Node(), env_of({}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->schedule.zone->name(), "UTC");
  EXPECT_EQ(s->schedule.shutdown, 19h);
  EXPECT_EQ(s->cronjob.name, "devenv-shutdown");
  EXPECT_EQ(s->cronjob.token_audience, "devenv-scaler");
}

TEST(ScheduleSettings, YamlThenEnvironment) {
  const auto node = YAML::Load(R"(
timezone: Europe/Berlin
shutdown: "18:30"
workdays: mon-thu
reset: "05:00"
max_prolong: 3h
after_hours_start: 90m
warnings: [30m, 10]
cronjob:
  image: registry.local/devenv-scaler:1.2
  server_url: https://scaler.tools.svc:8443
  ca_configmap: devenv-scaler-ca
  token_expiration_seconds: 900
)");
  auto s =
      parse_schedule_settings(node, env_of({{"DEVENV_SHUTDOWN", "20:00"}, {"DEVENV_CRONJOB_IMAGE", "x:1"}}));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->schedule.zone->name(), "Europe/Berlin");
  EXPECT_EQ(s->schedule.shutdown, 20h);  // the environment wins
  EXPECT_EQ(s->schedule.reset, 5h);
  EXPECT_EQ(s->schedule.workdays.size(), 4u);
  EXPECT_EQ(s->schedule.max_prolong, 3h);
  EXPECT_EQ(s->schedule.after_hours_start, 90min);
  EXPECT_EQ(s->schedule.warnings, (std::vector<std::chrono::minutes>{30min, 10min}));
  EXPECT_EQ(s->cronjob.image, "x:1");
  EXPECT_EQ(s->cronjob.server_url, "https://scaler.tools.svc:8443");
  EXPECT_EQ(s->cronjob.ca_configmap, "devenv-scaler-ca");
  EXPECT_EQ(s->cronjob.token_expiration_seconds, 900);
}

TEST(ScheduleSettings, ErrorsNameTheKey) {
  struct row {
    const char* yaml;
    std::map<std::string, std::string> env;
    const char* expected;  // substring of the message
  };
  const std::vector<row> rows = {
      {"colour: blue", {}, "schedule.colour"},
      {"cronjob: {imag: x}", {}, "schedule.cronjob.imag"},
      {"max_prolong: 2 hourz", {}, "max_prolong"},
      {"max_prolong: lots", {}, "max_prolong"},
      {"timezone: Mars/Olympus", {}, "Mars/Olympus"},
      {"shutdown: \"25:00\"", {}, "25:00"},
      {"cronjob: {token_expiration_seconds: 60}", {}, "token_expiration_seconds"},
      {"warnings: 15", {}, "warnings"},
      {"{}", {{"DEVENV_AFTER_HOURS_START", "-1h"}}, "after_hours_start"},
      {"[1, 2]", {}, "mapping"},
  };
  for (const auto& r : rows) {
    auto s = parse_schedule_settings(YAML::Load(r.yaml), env_of(r.env));
    ASSERT_FALSE(s) << r.yaml;
    EXPECT_EQ(s.error().code, errc::invalid_argument) << r.yaml;
    EXPECT_NE(s.error().message.find(r.expected), std::string::npos) << r.yaml << " -> " << s.error().message;
  }
}

}  // namespace
}  // namespace devenv::schedule
