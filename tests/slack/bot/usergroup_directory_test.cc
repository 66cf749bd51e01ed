#include "slack/bot/usergroup_directory.h"

#include <gtest/gtest.h>

namespace devenv::slack {
namespace {

using namespace std::chrono_literals;

TEST(UsergroupDirectory, CachesForTtlAndKeepsStaleMembersWhenSlackFails) {
  std::chrono::steady_clock::time_point now{};
  int fetches = 0;
  bool slack_down = false;
  std::map<std::string, std::vector<std::string>> groups = {{"S1", {"U2", "U1"}}, {"S2", {"U3"}}};
  usergroup_directory dir(
      [&](std::string_view id) -> result<std::vector<std::string>> {
        ++fetches;
        if (slack_down) return fail(errc::unavailable, "down");
        return groups.at(std::string(id));
      },
      300s, [&] { return now; });

  auto r = dir.groups_of("U1", {"S1", "S2"});
  EXPECT_EQ(r.groups, std::vector<std::string>{"S1"});
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(fetches, 2);

  // Within the TTL: no new fetch, even though Slack changed.
  groups["S2"].push_back("U1");
  now += 299s;
  EXPECT_EQ(dir.groups_of("U1", {"S1", "S2"}).groups, std::vector<std::string>{"S1"});
  EXPECT_EQ(fetches, 2);

  // After it: refreshed.
  now += 2s;
  EXPECT_EQ(dir.groups_of("U1", {"S1", "S2"}).groups, (std::vector<std::string>{"S1", "S2"}));
  EXPECT_EQ(fetches, 4);

  // Slack down after expiry: stale members still answer, the failure is reported.
  slack_down = true;
  now += 301s;
  r = dir.groups_of("U1", {"S1", "S2"});
  EXPECT_EQ(r.groups, (std::vector<std::string>{"S1", "S2"}));
  EXPECT_EQ(r.errors.size(), 2u);

  // A group never fetched while Slack is down: nobody is a member (fail closed).
  r = dir.groups_of("U1", {"S9"});
  EXPECT_TRUE(r.groups.empty());
  EXPECT_EQ(r.errors.size(), 1u);
}

}  // namespace
}  // namespace devenv::slack
