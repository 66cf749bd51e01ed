#include "schedule/prolong_plan.h"

#include <gtest/gtest.h>

#include "schedule/test_time.h"

namespace devenv::schedule {
namespace {

using namespace std::chrono;
using testing::iso;
using testing::wall;

constexpr const char* berlin = "Europe/Berlin";

schedule_config config_with(const char* shutdown, minutes max_prolong) {
  schedule_input in;
  in.timezone = berlin;
  in.shutdown = shutdown;
  in.max_prolong = max_prolong;
  auto config = make_schedule_config(in);
  EXPECT_TRUE(config.has_value()) << config.error().message;
  return *config;
}

cronjob_state standard(const schedule_config& config) {
  return {default_cron(config), berlin, false, std::nullopt, ""};
}
cronjob_state one_shot_state(const char* schedule, testing::time_point until) {
  return {schedule, berlin, false, until, "U1"};
}

TEST(PlanProlong, AcceptedTable) {
  // 2026-11-25 is a Wednesday, 2026-11-27 a Friday.
  const auto cfg = config_with("19:00", hours{4});
  const auto cfg6 = config_with("19:00", hours{6});
  const auto late = config_with("23:30", hours{4});
  struct row {
    const char* name;
    schedule_config config;
    cronjob_state cronjob;
    testing::time_point now;
    minutes requested;
    const char* schedule;
    testing::time_point until;
    minutes total;
  };
  const row rows[] = {
      {"1 h on a normal evening", cfg, standard(cfg), wall(berlin, 2026, 11, 25, 18, 0), hours{1},
       "0 20 25 11 *", wall(berlin, 2026, 11, 25, 20, 0), hours{1}},
      {"again 2 h adds up", cfg, one_shot_state("0 20 25 11 *", wall(berlin, 2026, 11, 25, 20, 0)),
       wall(berlin, 2026, 11, 25, 19, 30), hours{2}, "0 22 25 11 *", wall(berlin, 2026, 11, 25, 22, 0),
       hours{3}},
      {"up to exactly the cap", cfg, one_shot_state("0 22 25 11 *", wall(berlin, 2026, 11, 25, 22, 0)),
       wall(berlin, 2026, 11, 25, 21, 0), hours{1}, "0 23 25 11 *", wall(berlin, 2026, 11, 25, 23, 0),
       hours{4}},
      {"Friday 23:30 + 1 h is Saturday 00:30 (prolonged)", cfg6,
       one_shot_state("30 23 27 11 *", wall(berlin, 2026, 11, 27, 23, 30)), wall(berlin, 2026, 11, 27, 23, 0),
       hours{1}, "30 0 28 11 *", wall(berlin, 2026, 11, 28, 0, 30), minutes{330}},
      {"Friday 23:30 + 1 h is Saturday 00:30 (default 23:30)", late, standard(late),
       wall(berlin, 2026, 11, 27, 23, 0), hours{1}, "30 0 28 11 *", wall(berlin, 2026, 11, 28, 0, 30),
       hours{1}},
      {"before the weekday shutdown on Monday", cfg, standard(cfg), wall(berlin, 2026, 11, 28, 12, 0),
       minutes{45}, "45 19 30 11 *", wall(berlin, 2026, 11, 30, 19, 45), minutes{45}},
      {"across fall back the cap counts real time", cfg, standard(cfg), wall(berlin, 2026, 10, 23, 18, 0),
       hours{4}, "0 23 23 10 *", wall(berlin, 2026, 10, 23, 23, 0), hours{4}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    auto plan = plan_prolong(r.config, r.cronjob, env_state::running, r.now, r.requested);
    ASSERT_TRUE(plan.has_value()) << plan.error().message;
    EXPECT_EQ(plan->shutdown.schedule, r.schedule);
    EXPECT_EQ(plan->shutdown.time_zone, berlin);
    EXPECT_EQ(iso(plan->shutdown.at), iso(r.until));
    EXPECT_EQ(plan->total, r.total);
    // The written schedule really fires at the planned instant, and never again within the year: a
    // Friday prolongation cannot run into the weekend or Monday.
    auto written = cron_expression::parse(plan->shutdown.schedule);
    ASSERT_TRUE(written.has_value());
    const auto* zone = date::locate_zone(berlin);
    const auto first = written->next_after(r.now, zone);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(iso(*first), iso(r.until));
    const auto second = written->next_after(*first, zone);
    ASSERT_TRUE(second.has_value());
    EXPECT_GT(*second - *first, days{360});
  }
}

TEST(PlanProlong, RefusedTable) {
  const auto cfg = config_with("19:00", hours{4});
  schedule_input late_in;
  late_in.timezone = berlin;
  late_in.shutdown = "23:00";
  late_in.max_prolong = hours{8};
  const auto late = *make_schedule_config(late_in);
  const auto wed = [](int h, int m) { return wall(berlin, 2026, 11, 25, h, m); };
  auto suspended = standard(cfg);
  suspended.suspend = true;
  struct row {
    const char* name;
    schedule_config config;
    cronjob_state cronjob;
    env_state env;
    testing::time_point now;
    minutes requested;
    errc code;
    const char* reason;
  };
  const row rows[] = {
      {"beyond the cap", cfg, one_shot_state("0 23 25 11 *", wed(23, 0)), env_state::running, wed(22, 0),
       minutes{1}, errc::invalid_argument, "at most 4 h is allowed (none left)"},
      {"one request beyond the cap", cfg, standard(cfg), env_state::running, wed(18, 0), hours{5},
       errc::invalid_argument, "at most 4 h is allowed (4 h left)"},
      {"partly used cap", cfg, one_shot_state("30 21 25 11 *", wed(21, 30)), env_state::running, wed(20, 0),
       hours{2}, errc::invalid_argument, "(1 h 30 min left)"},
      {"stopped environment", cfg, standard(cfg), env_state::stopped, wed(18, 0), hours{1}, errc::forbidden,
       "stopped"},
      {"suspended CronJob", cfg, suspended, env_state::running, wed(18, 0), hours{1}, errc::forbidden,
       "disabled"},
      {"zero", cfg, standard(cfg), env_state::running, wed(18, 0), minutes{0}, errc::invalid_argument,
       "positive duration, got 0 min"},
      {"negative", cfg, standard(cfg), env_state::running, wed(18, 0), minutes{-30}, errc::invalid_argument,
       "got -30 min"},
      {"past the morning reset", late, standard(late), env_state::running, wed(22, 0), minutes{7 * 60 + 30},
       errc::invalid_argument, "past the morning reset at Thu 06:00 CET"},
      {"weekend after-hours session", cfg, one_shot_state("0 12 28 11 *", wall(berlin, 2026, 11, 28, 12, 0)),
       env_state::running, wall(berlin, 2026, 11, 28, 10, 0), hours{1}, errc::invalid_argument,
       "not a working-day shutdown"},
      {"bad schedule",
       cfg,
       {"not a cron", berlin, false, std::nullopt, ""},
       env_state::running,
       wed(18, 0),
       hours{1},
       errc::invalid_argument,
       "cron"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    auto plan = plan_prolong(r.config, r.cronjob, r.env, r.now, r.requested);
    ASSERT_FALSE(plan.has_value()) << plan->shutdown.schedule;
    EXPECT_EQ(plan.error().code, r.code);
    EXPECT_NE(plan.error().message.find(r.reason), std::string::npos) << plan.error().message;
  }
}

TEST(PlanProlong, RepeatedUntilTheCapThenRefused) {
  // Feed each plan back as the observed CronJob, like the adapter does, 1 h at a time.
  const auto cfg = config_with("19:00", hours{4});
  cronjob_state cronjob = standard(cfg);
  auto now = wall(berlin, 2026, 11, 27, 18, 30);  // Friday
  std::vector<std::string> schedules;
  for (int i = 0; i < 5; ++i) {
    auto plan = plan_prolong(cfg, cronjob, env_state::running, now, hours{1});
    if (!plan) {
      EXPECT_EQ(i, 4) << plan.error().message;
      break;
    }
    schedules.push_back(plan->shutdown.schedule);
    cronjob = one_shot_state(plan->shutdown.schedule.c_str(), plan->shutdown.at);
    now += minutes{50};
  }
  EXPECT_EQ(schedules,
            (std::vector<std::string>{"0 20 27 11 *", "0 21 27 11 *", "0 22 27 11 *", "0 23 27 11 *"}));
}

}  // namespace
}  // namespace devenv::schedule
