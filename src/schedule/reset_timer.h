// reset_timer: the morning reset as a leader timer (docs/schedules.md says why not a CronJob): sleeps until
// the next reset instant (next_reset_instant, in the configured zone, every day) and runs
// cronjob_manager::reset_all. A missed reset (no leader at that minute) is harmless: converging also
// restores expired prolongations, and the next instant comes the next day.
//
// Thread-safety: run_reset_timer blocks the calling thread until `stop`; it only calls the (thread-safe)
// manager. Time is injected: `now` is the wall clock, `sleep_until` waits (returning early on stop).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "schedule/cronjob_manager.h"

namespace devenv::schedule {

struct reset_timer_options {
  std::function<std::chrono::system_clock::time_point()> now;
  // Default: sleeps in slices of at most 1 s until now() >= until or stop.
  std::function<void(std::chrono::system_clock::time_point until, const std::atomic<bool>& stop)> sleep_until;
  std::function<void(const result<reset_report>&)> on_reset;  // logging, metrics, tests
};

void run_reset_timer(cronjob_manager& manager, reset_timer_options options, const std::atomic<bool>& stop);

}  // namespace devenv::schedule
