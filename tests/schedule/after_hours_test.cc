#include "schedule/after_hours.h"

#include <gtest/gtest.h>

#include "schedule/test_time.h"

namespace devenv::schedule {
namespace {

using namespace std::chrono;
using testing::iso;
using testing::wall;

constexpr const char* berlin = "Europe/Berlin";

TEST(AfterHoursStart, Table) {
  schedule_input in;
  in.timezone = berlin;  // 06:00-19:00 Mon-Fri, 2 h
  const auto cfg = *make_schedule_config(in);
  struct row {
    const char* name;
    testing::time_point now;
    std::optional<std::string> schedule;
    testing::time_point at;
  };
  const row rows[] = {
      {"weekday evening", wall(berlin, 2026, 11, 25, 20, 0), "0 22 25 11 *",
       wall(berlin, 2026, 11, 25, 22, 0)},
      {"rounded up to the next minute", wall(berlin, 2026, 11, 25, 20, 0, 30), "1 22 25 11 *",
       wall(berlin, 2026, 11, 25, 22, 1)},
      {"at the shutdown minute", wall(berlin, 2026, 11, 25, 19, 0), "0 21 25 11 *",
       wall(berlin, 2026, 11, 25, 21, 0)},
      {"late evening crosses midnight", wall(berlin, 2026, 11, 25, 23, 15), "15 1 26 11 *",
       wall(berlin, 2026, 11, 26, 1, 15)},
      {"Saturday", wall(berlin, 2026, 11, 28, 10, 0), "0 12 28 11 *", wall(berlin, 2026, 11, 28, 12, 0)},
      {"Sunday early morning", wall(berlin, 2026, 11, 29, 5, 0), "0 7 29 11 *",
       wall(berlin, 2026, 11, 29, 7, 0)},
      {"weekday night", wall(berlin, 2026, 11, 26, 3, 0), "0 5 26 11 *", wall(berlin, 2026, 11, 26, 5, 0)},
      {"inside working hours", wall(berlin, 2026, 11, 25, 10, 0), std::nullopt, {}},
      {"last second of working hours", wall(berlin, 2026, 11, 25, 18, 59, 59), std::nullopt, {}},
      {"would run into the working day", wall(berlin, 2026, 11, 26, 5, 30), std::nullopt, {}},
      {"Monday early joins the working day", wall(berlin, 2026, 11, 30, 4, 0), std::nullopt, {}},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    const auto plan = plan_after_hours_start(cfg, r.now);
    ASSERT_EQ(plan.has_value(), r.schedule.has_value());
    if (!plan) continue;
    EXPECT_EQ(plan->schedule, *r.schedule);
    EXPECT_EQ(plan->time_zone, berlin);
    EXPECT_EQ(iso(plan->at), iso(r.at));
  }
}

TEST(NextWorkingStart, SkipsTheWeekend) {
  schedule_input in;
  in.timezone = berlin;
  const auto cfg = *make_schedule_config(in);
  EXPECT_EQ(iso(next_working_start(cfg, wall(berlin, 2026, 11, 27, 20, 0))),
            iso(wall(berlin, 2026, 11, 30, 6, 0)));
  EXPECT_EQ(iso(next_working_start(cfg, wall(berlin, 2026, 11, 30, 6, 0))),
            iso(wall(berlin, 2026, 12, 1, 6, 0)));
}

}  // namespace
}  // namespace devenv::schedule
