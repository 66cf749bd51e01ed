#include "schedule/reset_timer.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "schedule/reset_plan.h"

namespace devenv::schedule {

void run_reset_timer(cronjob_manager& manager, reset_timer_options options, const std::atomic<bool>& stop) {
  if (!options.sleep_until) {
    options.sleep_until = [now = options.now](std::chrono::system_clock::time_point until,
                                              const std::atomic<bool>& stopping) {
      while (!stopping.load()) {
        const auto left = until - now();
        if (left <= std::chrono::system_clock::duration::zero()) return;
        std::this_thread::sleep_for(
            std::min<std::chrono::system_clock::duration>(left, std::chrono::seconds(1)));
      }
    };
  }
  while (!stop.load()) {
    const auto next = next_reset_instant(manager.settings().schedule, options.now());
    options.sleep_until(next, stop);
    if (stop.load()) break;
    result<reset_report> report = fail(errc::internal, "not run");
    try {
      report = manager.reset_all(options.now());
    } catch (const std::exception& e) {
      report = fail(errc::internal, e.what());
    }
    if (!report) {
      spdlog::warn("morning reset failed: {}", report.error().message);
    } else {
      spdlog::info("morning reset: {} CronJobs checked, {} reset, {} errors", report->checked,
                   report->reset.size(), report->errors.size());
    }
    if (options.on_reset) options.on_reset(report);
  }
}

}  // namespace devenv::schedule
