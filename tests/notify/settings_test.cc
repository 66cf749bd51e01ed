// slack.shutdown_warnings: on by default, switchable, and a non-boolean is a clear error.
#include "slack/bot/settings.h"

#include <gtest/gtest.h>

namespace devenv::slack {
namespace {

TEST(ShutdownWarningsSetting, Table) {
  const auto no_env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  struct row {
    const char* yaml;
    std::optional<bool> expected;  // none: an error
  };
  const row rows[] = {{"{}", true},
                      {"shutdown_warnings: false", false},
                      {"shutdown_warnings: true", true},
                      {"shutdown_warnings: maybe", std::nullopt}};
  for (const auto& r : rows) {
    SCOPED_TRACE(r.yaml);
    const auto parsed = parse_slack_settings(YAML::Load(r.yaml), no_env);
    if (!r.expected) {
      ASSERT_FALSE(parsed);
      EXPECT_EQ(parsed.error().code, errc::invalid_argument);
      continue;
    }
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->shutdown_warnings, *r.expected);
  }
}

}  // namespace
}  // namespace devenv::slack
