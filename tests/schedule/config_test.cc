#include "schedule/config.h"

#include <gtest/gtest.h>

#include "schedule/test_time.h"

namespace devenv::schedule {
namespace {

using namespace std::chrono;
using testing::wall;

TEST(ScheduleConfig, DefaultsGiveTheWorkingDayCron) {
  auto config = make_schedule_config({});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->zone->name(), "UTC");
  EXPECT_EQ(config->shutdown, hours{19});
  EXPECT_EQ(config->reset, hours{6});
  EXPECT_EQ(config->workdays.size(), 5u);
  EXPECT_EQ(default_cron(*config), "0 19 * * 1-5");
  EXPECT_EQ(config->warnings, (std::vector<minutes>{minutes{60}, minutes{30}, minutes{15}}));
}

TEST(ScheduleConfig, ValidInputs) {
  struct row {
    const char* shutdown;
    const char* workdays;
    const char* cron;
  };
  const row rows[] = {
      {"19:00", "mon-fri", "0 19 * * 1-5"},   {"18:30", "Mon,Tue,Wed,Thu,Fri", "30 18 * * 1-5"},
      {"23:59", "sat, sun", "59 23 * * 0,6"}, {"07:05", "fri-mon", "5 7 * * 0-1,5-6"},
      {"12:00", "*", "0 12 * * *"},           {"12:00", "monday-wednesday,5", "0 12 * * 1-3,5"},
      {"12:00", "0", "0 12 * * 0"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.workdays);
    schedule_input in;
    in.timezone = "Europe/Berlin";
    in.shutdown = r.shutdown;
    in.workdays = r.workdays;
    in.reset = "06:00";
    auto config = make_schedule_config(in);
    ASSERT_TRUE(config.has_value()) << config.error().message;
    EXPECT_EQ(default_cron(*config), r.cron);
  }
}

TEST(ScheduleConfig, InvalidInputsAreRefusedWithReasons) {
  struct row {
    schedule_input in;
    const char* message_part;
  };
  auto with = [](auto change) {
    schedule_input in;
    change(in);
    return in;
  };
  const row rows[] = {
      {with([](auto& i) { i.timezone = "Mars/Olympus"; }), "timezone \"Mars/Olympus\""},
      {with([](auto& i) { i.timezone = ""; }), "timezone"},
      {with([](auto& i) { i.shutdown = "24:00"; }), "shutdown: time \"24:00\" is not HH:MM"},
      {with([](auto& i) { i.shutdown = "7:00"; }), "shutdown"},
      {with([](auto& i) { i.shutdown = "19:60"; }), "shutdown"},
      {with([](auto& i) { i.shutdown = "1900"; }), "shutdown"},
      {with([](auto& i) { i.shutdown = "+9:00"; }), "shutdown"},
      {with([](auto& i) { i.reset = "ab:cd"; }), "reset: time"},
      {with([](auto& i) { i.reset = "19:00"; }), "must be earlier than shutdown"},
      {with([](auto& i) { i.workdays = "funday"; }), "workdays \"funday\""},
      {with([](auto& i) { i.workdays = ""; }), "workdays"},
      {with([](auto& i) { i.workdays = "mon-"; }), "workdays"},
      {with([](auto& i) { i.workdays = "7"; }), "workdays"},
      {with([](auto& i) { i.max_prolong = minutes{0}; }), "max_prolong"},
      {with([](auto& i) { i.max_prolong = hours{24}; }), "max_prolong"},
      {with([](auto& i) { i.after_hours_start = minutes{-5}; }), "after_hours_start"},
      {with([](auto& i) {
         i.warnings = {60, 0};
       }),
       "warning offset 0"},
      {with([](auto& i) {
         i.warnings = {30, 30};
       }),
       "listed twice"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.message_part);
    auto config = make_schedule_config(r.in);
    ASSERT_FALSE(config.has_value());
    EXPECT_EQ(config.error().code, errc::invalid_argument);
    EXPECT_NE(config.error().message.find(r.message_part), std::string::npos) << config.error().message;
  }
}

TEST(ScheduleConfig, WarningsAreSortedLargestFirst) {
  schedule_input in;
  in.warnings = {15, 60, 30, 5};
  auto config = make_schedule_config(in);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(config->warnings, (std::vector<minutes>{minutes{60}, minutes{30}, minutes{15}, minutes{5}}));
}

TEST(ScheduleConfig, WorkingHoursAreResetToShutdownOnWorkdays) {
  schedule_input in;
  in.timezone = "Europe/Berlin";
  auto config = make_schedule_config(in);
  ASSERT_TRUE(config.has_value());
  const char* z = "Europe/Berlin";
  struct row {
    testing::time_point now;
    bool working;
  };
  const row rows[] = {
      {wall(z, 2026, 11, 25, 5, 59, 59), false},  // Wednesday before the reset
      {wall(z, 2026, 11, 25, 6, 0), true},       {wall(z, 2026, 11, 25, 18, 59, 59), true},
      {wall(z, 2026, 11, 25, 19, 0), false},     {wall(z, 2026, 11, 28, 12, 0), false},  // Saturday
      {wall(z, 2026, 11, 30, 10, 0), true},                                              // Monday
  };
  for (const auto& r : rows) EXPECT_EQ(is_working_time(*config, r.now), r.working) << testing::iso(r.now);
}

}  // namespace
}  // namespace devenv::schedule
