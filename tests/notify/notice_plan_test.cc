// The pure half of the shutdown notices: which warnings and after-stop messages are owed at `now`, how they
// are grouped per channel and instant, what is recorded, and how the messages look.
#include "notify/notice_plan.h"

#include <gtest/gtest.h>

#include "core/rfc3339.h"
#include "notify/notice_render.h"
#include "schedule/test_time.h"
#include "slack/bot/interactions.h"

namespace devenv::notify {
namespace {

using namespace std::chrono;
using devenv::testing::utc;

const auto t = utc(2026, 11, 27, 18, 0);  // 19:00 CET
const std::string sa_actor = "api:system:serviceaccount:dev1:devenv-shutdown";

environment_view running(const std::string& ns, std::optional<time_point> next, std::string channel = "C1") {
  environment_view v;
  v.ns = ns;
  v.channel = std::move(channel);
  v.next_shutdown = next;
  v.resource_version = "7";
  return v;
}

std::string sent_for(time_point at, std::set<int> sent) {
  return schedule::to_annotation(schedule::notified_record{at, std::move(sent)});
}

notice_options options() {
  notice_options o;
  o.default_channel = "CDEFAULT";
  return o;
}

TEST(PlanNotices, WarningsTable) {
  struct row {
    const char* name;
    environment_view env;
    time_point now;
    std::optional<int> remaining;  // none: no message
    std::string channel;
    std::set<int> recorded;
  };
  auto stopped = running("dev1", std::nullopt);
  stopped.stopped = true;
  auto disabled = running("dev1", std::nullopt);  // suspended CronJob: the runner gives no next shutdown
  auto no_channel = running("dev1", t, "");
  auto with_60 = running("dev1", t);
  with_60.notified = sent_for(t, {60});
  auto prolonged = running("dev1", t + hours{1});
  prolonged.notified = sent_for(t, {60});
  const row rows[] = {
      {"before T-60 nothing", running("dev1", t), t - minutes{61}, std::nullopt, "", {}},
      {"at T-60 the 60 warning", running("dev1", t), t - minutes{60}, 60, "C1", {60}},
      {"restart at T-40: one 40-minute warning", running("dev1", t), t - minutes{40}, 40, "C1", {60}},
      {"60 already sent: nothing at T-40", with_60, t - minutes{40}, std::nullopt, "", {}},
      {"60 sent: the 30 at T-30", with_60, t - minutes{30}, 30, "C1", {60, 30}},
      {"no channel annotation: the default channel",
       no_channel,
       t - minutes{15},
       15,
       "CDEFAULT",
       {60, 30, 15}},
      {"stopped environment: none", stopped, t - minutes{15}, std::nullopt, "", {}},
      {"disabled (no next shutdown): none", disabled, t - minutes{15}, std::nullopt, "", {}},
      {"prolonged after the 60: nothing at the old T-30", prolonged, t - minutes{30}, std::nullopt, "", {}},
      {"prolonged: the 60 for the new T", prolonged, t, 60, "C1", {60}},
      {"at T nothing", running("dev1", t), t, std::nullopt, "", {}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    const auto plan = plan_notices({r.env}, options(), r.now);
    if (!r.remaining) {
      EXPECT_TRUE(plan.notices.empty());
      continue;
    }
    ASSERT_EQ(plan.notices.size(), 1u);
    const auto& n = plan.notices[0];
    EXPECT_EQ(n.kind, notice_kind::warning);
    EXPECT_EQ(n.channel, r.channel);
    EXPECT_EQ(n.remaining, minutes{*r.remaining});
    ASSERT_EQ(n.items.size(), 1u);
    EXPECT_EQ(n.items[0].previous, r.env.notified);
    EXPECT_EQ(n.items[0].resource_version, "7");
    const auto recorded = schedule::parse_notified(n.items[0].annotation);
    EXPECT_EQ(recorded.shutdown, r.env.next_shutdown);
    EXPECT_EQ(recorded.sent, r.recorded);
  }
}

TEST(PlanNotices, GroupsBySameInstantAndChannel) {
  const std::vector<environment_view> envs{
      running("dev2", t, "C1"),
      running("dev1", t, "C1"),                // same channel and T: one message
      running("dev3", t, "C2"),                // other channel
      running("dev4", t + minutes{30}, "C1"),  // other instant (prolonged): not yet due
      running("dev5", t - minutes{5}, "C1"),   // other instant, due: its own message
  };
  const auto plan = plan_notices(envs, options(), t - minutes{60});
  ASSERT_EQ(plan.notices.size(), 3u);
  // Ordered by channel, then instant.
  EXPECT_EQ(plan.notices[0].channel, "C1");
  ASSERT_EQ(plan.notices[0].items.size(), 1u);
  EXPECT_EQ(plan.notices[0].items[0].ns, "dev5");
  EXPECT_EQ(plan.notices[0].remaining, minutes{55});
  EXPECT_EQ(plan.notices[1].channel, "C1");
  ASSERT_EQ(plan.notices[1].items.size(), 2u);
  EXPECT_EQ(plan.notices[1].items[0].ns, "dev1");
  EXPECT_EQ(plan.notices[1].items[1].ns, "dev2");
  EXPECT_EQ(plan.notices[1].remaining, minutes{60});
  EXPECT_EQ(plan.notices[2].channel, "C2");
  // dev5's 30 (at T-35) comes before dev1's 30 and dev4's 60 (both at T-30).
  ASSERT_TRUE(plan.wake_at);
  EXPECT_EQ(*plan.wake_at, t - minutes{35});
}

TEST(PlanNotices, WakesAtTheNextPendingOffset) {
  const auto plan = plan_notices({running("dev1", t)}, options(), t - minutes{200});
  EXPECT_TRUE(plan.notices.empty());
  ASSERT_TRUE(plan.wake_at);
  EXPECT_EQ(*plan.wake_at, t - minutes{60});
  EXPECT_FALSE(plan_notices({running("dev1", std::nullopt)}, options(), t).wake_at);
}

TEST(PlanNotices, AfterStopTable) {
  auto stopped_env = [](std::string actor, std::optional<time_point> at, std::string outcome = "ok") {
    environment_view v = running("dev1", std::nullopt);
    v.stopped = true;
    v.notified = sent_for(t, {60, 30, 15});
    v.last = env::last_action{"stop", std::move(actor), "api", std::move(outcome), at};
    return v;
  };
  auto noticed = stopped_env(sa_actor, t + seconds{20});
  noticed.notified = notified_annotation(schedule::parse_notified(noticed.notified), t + seconds{20});
  auto unwarned = stopped_env(sa_actor, t + seconds{20});
  unwarned.notified.clear();
  auto running_again = running("dev1", t + hours{24});
  running_again.last = env::last_action{"stop", sa_actor, "api", "ok", t + seconds{20}};
  struct row {
    const char* name;
    environment_view env;
    time_point now;
    bool sends;
  };
  const row rows[] = {
      {"the scheduled stop after T", stopped_env(sa_actor, t + seconds{20}), t + minutes{1}, true},
      {"already announced", noticed, t + minutes{2}, false},
      {"a person's stop", stopped_env("@alice via Slack", t + seconds{20}), t + minutes{1}, false},
      {"another namespace's job",
       stopped_env("api:system:serviceaccount:dev2:devenv-shutdown", t + seconds{20}), t + minutes{1}, false},
      {"a stop before T (not the scheduled one)", stopped_env(sa_actor, t - minutes{10}), t + minutes{1},
       false},
      {"a failed stop", stopped_env(sa_actor, t + seconds{20}, "failed"), t + minutes{1}, false},
      {"too old: the scaler was down", stopped_env(sa_actor, t + seconds{20}), t + hours{3}, false},
      {"no warning recorded, recent stop", unwarned, t + minutes{1}, true},
      {"started again: it is running", running_again, t + minutes{1}, false},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    const auto plan = plan_notices({r.env}, options(), r.now);
    ASSERT_EQ(plan.notices.size(), r.sends ? 1u : 0u);
    if (!r.sends) continue;
    const auto& n = plan.notices[0];
    EXPECT_EQ(n.kind, notice_kind::stopped);
    ASSERT_EQ(n.items.size(), 1u);
    EXPECT_EQ(parse_stop_noticed(n.items[0].annotation), std::optional<time_point>(t + seconds{20}));
    // The warning record survives the stop notice.
    EXPECT_EQ(schedule::parse_notified(n.items[0].annotation), schedule::parse_notified(r.env.notified));
    // Planned again with the new record: nothing more.
    auto after = r.env;
    after.notified = n.items[0].annotation;
    EXPECT_TRUE(plan_notices({after}, options(), r.now + minutes{1}).notices.empty());
  }
}

TEST(PlanNotices, OneAfterStopMessagePerChannel) {
  std::vector<environment_view> envs;
  for (const std::string ns : {"dev1", "dev2", "dev3"}) {
    auto v = running(ns, std::nullopt, ns == "dev3" ? "C2" : "C1");
    v.stopped = true;
    v.last = env::last_action{"stop", "api:system:serviceaccount:" + ns + ":devenv-shutdown", "api", "ok",
                              t + seconds{5}};
    envs.push_back(v);
  }
  const auto plan = plan_notices(envs, options(), t + minutes{1});
  ASSERT_EQ(plan.notices.size(), 2u);
  EXPECT_EQ(plan.notices[0].items.size(), 2u);
  EXPECT_EQ(plan.notices[1].items.size(), 1u);
}

TEST(PlanNotices, WarningKeepsAnEarlierStopNotice) {
  auto v = running("dev1", t + hours{24});
  v.notified = notified_annotation(schedule::parse_notified(sent_for(t, {60, 30, 15})), t + seconds{20});
  const auto plan = plan_notices({v}, options(), t + hours{23});
  ASSERT_EQ(plan.notices.size(), 1u);
  EXPECT_EQ(parse_stop_noticed(plan.notices[0].items[0].annotation),
            std::optional<time_point>(t + seconds{20}));
  EXPECT_EQ(schedule::parse_notified(plan.notices[0].items[0].annotation).sent, (std::set<int>{60}));
}

TEST(RenderNotice, WarningHasButtonsPerEnvironmentAndMentionsOwners) {
  planned_notice n;
  n.kind = notice_kind::warning;
  n.channel = "C1";
  n.shutdown = t;
  n.remaining = minutes{15};
  n.items = {{"dev1", "U123ABC", "", "", ""}, {"dev2", "", "", "", ""}};
  const auto m = render_notice(n, date::locate_zone("Europe/Berlin"));
  EXPECT_NE(m.text.find("in 15 minutes (19:00 CET)"), std::string::npos) << m.text;
  const auto blocks = m.body.to_json();
  std::vector<std::string> values;
  std::vector<std::string> ids;
  std::string all_text = blocks.dump();
  for (const auto& b : blocks) {
    if (b["type"] != "actions") continue;
    for (const auto& e : b["elements"]) {
      ids.push_back(e["action_id"]);
      values.push_back(e["value"]);
    }
  }
  const std::string e1(slack::extend_1h_action), e2(slack::extend_2h_action), s(slack::stop_now_action);
  EXPECT_EQ(ids, (std::vector<std::string>{e1, e2, s, e1, e2, s}));
  EXPECT_EQ(values, (std::vector<std::string>{"dev1", "dev1", "dev1", "dev2", "dev2", "dev2"}));
  EXPECT_NE(all_text.find("<@U123ABC>"), std::string::npos);
  EXPECT_NE(all_text.find("Extend 1h"), std::string::npos);
  EXPECT_NE(all_text.find("Stop now"), std::string::npos);
}

TEST(RenderNotice, AfterStopSaysHowToComeBack) {
  planned_notice n;
  n.kind = notice_kind::stopped;
  n.channel = "C1";
  n.shutdown = t;
  n.items = {{"dev1", "<script>", "", "", ""}};
  const auto m = render_notice(n, date::locate_zone("Europe/Berlin"));
  EXPECT_NE(m.text.find("/devenv start dev1"), std::string::npos) << m.text;
  EXPECT_NE(m.text.find("19:00 CET"), std::string::npos) << m.text;
  EXPECT_EQ(m.text.find("<script>"), std::string::npos) << "owner text is escaped, not a mention";
  EXPECT_EQ(m.body.to_json().dump().find("actions"), std::string::npos);
}

}  // namespace
}  // namespace devenv::notify
