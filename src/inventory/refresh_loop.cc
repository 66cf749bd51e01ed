#include "inventory/refresh_loop.h"

#include <spdlog/spdlog.h>

#include <thread>

namespace devenv::inventory {

std::vector<guarded_database> guard_databases(cacher& cache, cloud_resources& resources,
                                              const std::set<std::string>& stopped) {
  const auto snap = cache.current();
  if (!snap) return {};
  std::vector<guarded_database> out;
  for (const auto& name : stopped) {
    const auto it = snap->envs.find(name);
    if (it == snap->envs.end()) continue;
    std::vector<power_step> steps;
    for (auto& r : plan_rds_guard(environments{{name, it->second}}, {name})) {
      steps.push_back({std::move(r), true, {}, {}});
    }
    if (steps.empty()) continue;
    for (auto& item : resources.apply(power_action::stop, steps)) {
      if (item.outcome == env::resource_outcome::failed) {
        spdlog::warn("rds guard: {} {} of {} is {} while {} is stopped; stopping it again failed: {}",
                     item.kind, item.id, name, item.from_state, name, item.message);
      } else {
        spdlog::info(
            "rds guard: {} {} of {} was {} while {} is stopped (RDS restarts a database after 7 days); "
            "stopped it again",
            item.kind, item.id, name, item.from_state, name);
      }
      out.push_back({name, std::move(item)});
    }
  }
  return out;
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
        // Counted from the round's start, like the refresh period: counted from after the refresh, a guard
        // period equal to the refresh period would fall just short at the next round and run every other one.
        next_guard = started + options.guard_period;
        auto stopped = options.stopped_environments();
        if (!stopped) {
          spdlog::warn("rds guard: cannot tell which environments are stopped: {}", stopped.error().message);
        } else {
          auto guarded = guard_databases(cache, *resources, *stopped);
          if (options.record_event) {
            for (const auto& g : guarded) {
              if (auto recorded = options.record_event(g.environment, guard_event(g, options.now()));
                  !recorded) {
                spdlog::warn("rds guard: event on {} not created: {}", g.environment,
                             recorded.error().message);
              }
            }
          }
          if (options.on_guard) options.on_guard(guarded);
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
