#include "inventory/refresh_loop.h"

#include <spdlog/spdlog.h>

#include <thread>

namespace devenv::inventory {

std::vector<env::resource_item> guard_databases(cacher& cache, cloud_resources& resources,
                                                const std::set<std::string>& stopped) {
  const auto snap = cache.current();
  if (!snap) return {};
  std::vector<power_step> steps;
  for (auto& r : plan_rds_guard(snap->envs, stopped)) steps.push_back({std::move(r), true, {}, {}});
  auto items = resources.apply(power_action::stop, steps);
  for (const auto& item : items) {
    if (item.outcome == env::resource_outcome::failed) {
      spdlog::warn("rds guard: {} {} is {} while its environment is stopped; stopping it again failed: {}",
                   item.kind, item.id, item.from_state, item.message);
    } else {
      spdlog::info(
          "rds guard: {} {} was {} while its environment is stopped (RDS restarts a database after 7 "
          "days); stopped it again",
          item.kind, item.id, item.from_state);
    }
  }
  return items;
}

void run_refresh_loop(cacher& cache, cloud_resources* resources, refresh_loop_options options,
                      const std::atomic<bool>& stop) {
  if (!options.now) options.now = [] { return std::chrono::system_clock::now(); };
  if (!options.sleep_until) {
    options.sleep_until = [now = options.now](time_point until, const std::atomic<bool>& stopping) {
      while (!stopping.load()) {
        const auto left = until - now();
        if (left <= time_point::duration::zero()) return;
        std::this_thread::sleep_for(std::min<time_point::duration>(left, std::chrono::milliseconds(200)));
      }
    };
  }
  time_point next_guard = options.now();
  while (!stop.load()) {
    const time_point started = options.now();
    try {
      if (auto r = cache.refresh(); r) spdlog::debug("inventory refreshed: {} resources", *r);
      if (resources && options.stopped_environments && options.now() >= next_guard) {
        next_guard = options.now() + options.guard_period;
        auto stopped = options.stopped_environments();
        if (!stopped) {
          spdlog::warn("rds guard: cannot tell which environments are stopped: {}", stopped.error().message);
        } else {
          auto items = guard_databases(cache, *resources, *stopped);
          if (options.on_guard) options.on_guard(items);
        }
      }
    } catch (const std::exception& e) {
      spdlog::error("inventory loop: {}", e.what());
    } catch (...) {
      spdlog::error("inventory loop: unknown exception");
    }
    options.sleep_until(started + options.period, stop);
  }
}

}  // namespace devenv::inventory
