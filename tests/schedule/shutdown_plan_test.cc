#include "schedule/shutdown_plan.h"

#include <gtest/gtest.h>

#include "schedule/test_time.h"

namespace devenv::schedule {
namespace {

using namespace std::chrono;
using testing::iso;
using testing::utc;
using testing::wall;

schedule_config config_for(const char* zone, const char* shutdown, const char* workdays,
                           const char* reset = "00:15") {
  schedule_input in;
  in.timezone = zone;
  in.shutdown = shutdown;
  in.workdays = workdays;
  in.reset = reset;
  auto config = make_schedule_config(in);
  EXPECT_TRUE(config.has_value()) << config.error().message;
  return *config;
}

cronjob_state default_cronjob(const schedule_config& config) {
  return cronjob_state{default_cron(config), config.zone->name(), false, std::nullopt, ""};
}

TEST(NextShutdown, AcrossDstMidnightAndWeekends) {
  struct row {
    const char* name;
    const char* zone;
    const char* shutdown;
    const char* workdays;
    testing::time_point now;
    testing::time_point expected;
  };
  const row rows[] = {
      // Europe/Berlin springs forward on Sunday 2026-03-29 02:00 -> 03:00.
      {"berlin 19:00 on the spring-forward day", "Europe/Berlin", "19:00", "*", utc(2026, 3, 28, 20),
       utc(2026, 3, 29, 17)},
      {"berlin Friday evening to Monday after DST", "Europe/Berlin", "19:00", "mon-fri", utc(2026, 3, 27, 19),
       utc(2026, 3, 30, 17)},
      {"berlin 02:30 inside the gap is skipped that day", "Europe/Berlin", "02:30", "*", utc(2026, 3, 28, 12),
       utc(2026, 3, 30, 0, 30)},
      {"berlin 02:30 skipped even from just before the gap", "Europe/Berlin", "02:30", "*",
       wall("Europe/Berlin", 2026, 3, 29, 1, 59), utc(2026, 3, 30, 0, 30)},
      // Europe/Berlin falls back on Sunday 2026-10-25 03:00 -> 02:00: 02:30 happens twice, fires twice.
      {"berlin 02:30 first occurrence (CEST)", "Europe/Berlin", "02:30", "*", utc(2026, 10, 24, 22),
       utc(2026, 10, 25, 0, 30)},
      {"berlin 02:30 second occurrence (CET)", "Europe/Berlin", "02:30", "*", utc(2026, 10, 25, 0, 30),
       utc(2026, 10, 25, 1, 30)},
      {"berlin 19:00 after fall back is 18:00Z", "Europe/Berlin", "19:00", "mon-fri", utc(2026, 10, 23, 18),
       utc(2026, 10, 26, 18)},
      // America/New_York springs forward on 2026-03-08 and falls back on 2026-11-01 (both Sundays).
      {"new york 02:30 skipped on 2026-03-08", "America/New_York", "02:30", "*", utc(2026, 3, 8, 6),
       utc(2026, 3, 9, 6, 30)},
      {"new york 19:00 EDT after spring forward", "America/New_York", "19:00", "*", utc(2026, 3, 8, 0, 0),
       utc(2026, 3, 8, 23)},
      {"new york 01:30 EDT first", "America/New_York", "01:30", "*", utc(2026, 11, 1, 4),
       utc(2026, 11, 1, 5, 30)},
      {"new york 01:30 EST second", "America/New_York", "01:30", "*", utc(2026, 11, 1, 5, 30),
       utc(2026, 11, 1, 6, 30)},
      {"new york 19:00 EST after fall back", "America/New_York", "19:00", "mon-fri",
       utc(2026, 10, 30, 23, 30), utc(2026, 11, 3, 0)},
      // Midnight and weekends.
      {"late evening to tomorrow", "Europe/Berlin", "19:00", "mon-fri",
       wall("Europe/Berlin", 2026, 11, 24, 23, 30), wall("Europe/Berlin", 2026, 11, 25, 19, 0)},
      {"just after midnight to today", "Europe/Berlin", "19:00", "mon-fri",
       wall("Europe/Berlin", 2026, 11, 25, 0, 0, 1), wall("Europe/Berlin", 2026, 11, 25, 19, 0)},
      {"Friday 19:00 exactly goes to Monday", "Europe/Berlin", "19:00", "mon-fri",
       wall("Europe/Berlin", 2026, 11, 27, 19, 0), wall("Europe/Berlin", 2026, 11, 30, 19, 0)},
      {"Saturday goes to Monday", "Europe/Berlin", "19:00", "mon-fri",
       wall("Europe/Berlin", 2026, 11, 28, 10, 0), wall("Europe/Berlin", 2026, 11, 30, 19, 0)},
      {"shutdown at 00:01 on workdays, from Friday's", "Europe/Berlin", "00:01", "mon-fri",
       wall("Europe/Berlin", 2026, 11, 27, 0, 1), wall("Europe/Berlin", 2026, 11, 30, 0, 1)},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    const auto config = config_for(r.zone, r.shutdown, r.workdays, "00:00");
    auto view = next_shutdown(config, default_cronjob(config), env_state::running, r.now);
    ASSERT_TRUE(view.has_value()) << view.error().message;
    ASSERT_TRUE(view->at.has_value());
    EXPECT_EQ(iso(*view->at), iso(r.expected));
  }
}

TEST(NextShutdown, DescriptionsInTheConfiguredZone) {
  const auto config = config_for("Europe/Berlin", "19:00", "mon-fri");
  const char* z = "Europe/Berlin";
  struct row {
    testing::time_point now;
    const char* expected;
  };
  const row rows[] = {
      {wall(z, 2026, 11, 27, 16, 45), "19:00 CET, in 2 h 15 min"},
      {wall(z, 2026, 11, 27, 18, 0), "19:00 CET, in 1 h"},
      {wall(z, 2026, 11, 27, 18, 59, 30), "19:00 CET, in 1 min"},
      {wall(z, 2026, 11, 26, 21, 0), "tomorrow 19:00 CET, in 22 h"},
      {wall(z, 2026, 11, 27, 19, 0), "Mon 19:00 CET, in 3 d"},
      {wall(z, 2026, 11, 27, 20, 0), "Mon 19:00 CET, in 2 d 23 h"},
      {wall(z, 2026, 7, 3, 20, 0), "Mon 19:00 CEST, in 2 d 23 h"},
  };
  for (const auto& r : rows) {
    auto view = next_shutdown(config, default_cronjob(config), env_state::running, r.now);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(view->description, r.expected) << iso(r.now);
  }
  // More than a week ahead names the date.
  cronjob_state far{"0 19 24 12 *", "Europe/Berlin", false, wall(z, 2026, 12, 24, 19, 0), "u1"};
  auto view = next_shutdown(config, far, env_state::running, wall(z, 2026, 12, 10, 12, 0));
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->description, "Thu 24 Dec 19:00 CET, in 14 d 7 h");
}

TEST(NextShutdown, SuspendedOrStoppedHasNone) {
  const auto config = config_for("Europe/Berlin", "19:00", "mon-fri");
  auto cronjob = default_cronjob(config);
  const auto now = utc(2026, 11, 25, 12);
  auto stopped = next_shutdown(config, cronjob, env_state::stopped, now);
  ASSERT_TRUE(stopped.has_value());
  EXPECT_FALSE(stopped->at.has_value());
  EXPECT_EQ(stopped->description, "stopped");
  cronjob.suspend = true;
  auto suspended = next_shutdown(config, cronjob, env_state::running, now);
  ASSERT_TRUE(suspended.has_value());
  EXPECT_FALSE(suspended->at.has_value());
  EXPECT_NE(suspended->description.find("disabled"), std::string::npos);
}

TEST(NextShutdown, FollowsTheProlongedOneShotAndItsExpiry) {
  const auto config = config_for("Europe/Berlin", "19:00", "mon-fri", "06:00");
  const char* z = "Europe/Berlin";
  const cronjob_state prolonged{"30 0 28 11 *", z, false, wall(z, 2026, 11, 28, 0, 30), "U1"};
  // Before the one-shot: it is the next shutdown, "tomorrow" past midnight.
  auto before = next_shutdown(config, prolonged, env_state::running, wall(z, 2026, 11, 27, 23, 45));
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(iso(*before->at), iso(wall(z, 2026, 11, 28, 0, 30)));
  EXPECT_EQ(before->description, "tomorrow 00:30 CET, in 45 min");
  // After it expired (someone started the environment again on Saturday): the reset restores the
  // default first, so the next shutdown is Monday 19:00, not next year's 28 November.
  auto after = next_shutdown(config, prolonged, env_state::running, wall(z, 2026, 11, 28, 10, 0));
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(iso(*after->at), iso(wall(z, 2026, 11, 30, 19, 0)));
}

TEST(NextShutdown, BadCronJobIsAnError) {
  const auto config = config_for("Europe/Berlin", "19:00", "mon-fri");
  auto bad_schedule = next_shutdown(config, {"0 25 * * *", "Europe/Berlin", false, std::nullopt, ""},
                                    env_state::running, utc(2026, 1, 1));
  ASSERT_FALSE(bad_schedule.has_value());
  EXPECT_NE(bad_schedule.error().message.find("hour"), std::string::npos);
  auto bad_zone = next_shutdown(config, {"0 19 * * 1-5", "Nowhere/City", false, std::nullopt, ""},
                                env_state::running, utc(2026, 1, 1));
  ASSERT_FALSE(bad_zone.has_value());
  EXPECT_NE(bad_zone.error().message.find("Nowhere/City"), std::string::npos);
}

TEST(FormatRemaining, RoundsUpToMinutes) {
  EXPECT_EQ(format_remaining(seconds{1}), "1 min");
  EXPECT_EQ(format_remaining(minutes{59} + seconds{1}), "1 h");
  EXPECT_EQ(format_remaining(hours{25}), "1 d 1 h");
  EXPECT_EQ(format_remaining(hours{48} + minutes{30}), "2 d");
  EXPECT_EQ(format_remaining(-seconds{5}), "0 min");
}

}  // namespace
}  // namespace devenv::schedule
