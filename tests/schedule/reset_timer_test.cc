// run_reset_timer with a fake clock: it wakes exactly at each day's reset instant in the configured zone
// and restores expired prolongations there.
#include "schedule/reset_timer.h"

#include <gtest/gtest.h>

#include "schedule/fake_cronjob_store.h"
#include "schedule/test_time.h"

namespace devenv::schedule {
namespace {

using devenv::testing::wall;
using namespace std::chrono_literals;

TEST(ResetTimer, WakesAtEachResetInstantAndResets) {
  schedule_input in;
  in.timezone = "Europe/Berlin";
  schedule_settings settings;
  settings.schedule = *make_schedule_config(in);
  testing::fake_cronjob_store store;
  manager_options mo;
  cronjob_manager manager(store, settings, mo);
  store.add_namespace("dev1");
  auto clock = wall("Europe/Berlin", 2026, 11, 27, 17, 0);
  ASSERT_TRUE(manager.prolong("dev1", 1h, env_state::running, "@alice", clock));

  std::atomic<bool> stop{false};
  std::vector<std::chrono::system_clock::time_point> wakes;
  std::vector<std::vector<std::string>> resets;
  reset_timer_options options;
  options.now = [&] { return clock; };
  options.sleep_until = [&](std::chrono::system_clock::time_point until, const std::atomic<bool>&) {
    wakes.push_back(until);
    clock = until;
  };
  options.on_reset = [&](const result<reset_report>& r) {
    ASSERT_TRUE(r);
    resets.push_back(r->reset);
    if (resets.size() == 2) stop = true;
  };
  run_reset_timer(manager, options, stop);
  ASSERT_EQ(wakes.size(), 2u);
  EXPECT_EQ(wakes[0], wall("Europe/Berlin", 2026, 11, 28, 6, 0));
  EXPECT_EQ(wakes[1], wall("Europe/Berlin", 2026, 11, 29, 6, 0));
  EXPECT_EQ(resets[0], std::vector<std::string>{"dev1"});
  EXPECT_TRUE(resets[1].empty());
  EXPECT_EQ((*store.cronjob("dev1"))["spec"]["schedule"], "0 19 * * 1-5");
}

}  // namespace
}  // namespace devenv::schedule
