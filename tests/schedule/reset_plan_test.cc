#include "schedule/reset_plan.h"

#include <gtest/gtest.h>

#include "schedule/test_time.h"

namespace devenv::schedule {
namespace {

using namespace std::chrono;
using testing::iso;
using testing::wall;

constexpr const char* berlin = "Europe/Berlin";

schedule_config berlin_config(const char* reset = "06:00") {
  schedule_input in;
  in.timezone = berlin;
  in.reset = reset;
  return *make_schedule_config(in);
}

TEST(NeedsReset, Table) {
  const auto cfg = berlin_config();
  const auto sat_0030 = wall(berlin, 2026, 11, 28, 0, 30);
  struct row {
    const char* name;
    cronjob_state cronjob;
    testing::time_point now;
    bool expected;
  };
  const row rows[] = {
      {"default schedule", {"0 19 * * 1-5", berlin, false, std::nullopt, ""}, sat_0030, false},
      {"default schedule, same days by name",
       {"0 19 * * MON-FRI", berlin, false, std::nullopt, ""},
       sat_0030,
       false},
      {"default schedule with a stale annotation",
       {"0 19 * * 1-5", berlin, false, sat_0030, "U1"},
       sat_0030 + hours{5},
       false},
      {"prolonged, not yet expired",
       {"30 0 28 11 *", berlin, false, sat_0030, "U1"},
       sat_0030 - minutes{1},
       false},
      {"prolonged, expires exactly now", {"30 0 28 11 *", berlin, false, sat_0030, "U1"}, sat_0030, true},
      {"prolonged, expired", {"30 0 28 11 *", berlin, false, sat_0030, "U1"}, sat_0030 + hours{5}, true},
      {"one-shot without annotation, future",
       {"30 0 28 11 *", berlin, false, std::nullopt, ""},
       sat_0030 - hours{2},
       false},
      {"one-shot without annotation, past",
       {"30 0 28 11 *", berlin, false, std::nullopt, ""},
       sat_0030 + hours{2},
       true},
      {"default text in another zone", {"0 19 * * 1-5", "UTC", false, std::nullopt, ""}, sat_0030, true},
      {"hour shifted like the original defect",
       {"0 21 * * 1-5", berlin, false, std::nullopt, ""},
       sat_0030,
       true},
      {"garbage", {"every evening", berlin, false, std::nullopt, ""}, sat_0030, true},
  };
  for (const auto& r : rows) EXPECT_EQ(needs_reset(cfg, r.cronjob, r.now), r.expected) << r.name;
}

TEST(NextResetInstant, Table) {
  struct row {
    const char* reset;
    testing::time_point now;
    testing::time_point expected;
  };
  const row rows[] = {
      {"06:00", wall(berlin, 2026, 11, 27, 20, 0), wall(berlin, 2026, 11, 28, 6, 0)},  // Friday -> Saturday
      {"06:00", wall(berlin, 2026, 11, 28, 5, 59), wall(berlin, 2026, 11, 28, 6, 0)},
      {"06:00", wall(berlin, 2026, 11, 28, 6, 0), wall(berlin, 2026, 11, 29, 6, 0)},  // strictly after
      {"06:00", wall(berlin, 2026, 3, 28, 12, 0),
       testing::utc(2026, 3, 29, 4, 0)},  // CEST after spring forward
      {"02:30", wall(berlin, 2026, 3, 28, 12, 0),
       testing::utc(2026, 3, 29, 1, 0)},  // in the gap: at 03:00 CEST
      {"02:30", wall(berlin, 2026, 10, 24, 12, 0), testing::utc(2026, 10, 25, 0, 30)},  // repeated: the first
  };
  for (const auto& r : rows) {
    schedule_input in;
    in.timezone = berlin;
    in.reset = r.reset;
    const auto cfg = *make_schedule_config(in);
    EXPECT_EQ(iso(next_reset_instant(cfg, r.now)), iso(r.expected)) << r.reset << " " << iso(r.now);
  }
}

}  // namespace
}  // namespace devenv::schedule
