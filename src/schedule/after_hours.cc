#include "schedule/after_hours.h"

namespace devenv::schedule {

using namespace std::chrono;

system_clock::time_point next_working_start(const schedule_config& config, system_clock::time_point now) {
  const auto local_day = floor<date::days>(config.zone->to_local(floor<seconds>(now)));
  for (auto day = local_day - date::days{1}; day <= local_day + date::days{8}; day += date::days{1}) {
    if (!config.workdays.contains(date::weekday{day})) continue;
    const auto at = config.zone->to_sys(date::local_seconds{day} + config.reset, date::choose::earliest);
    if (at > now) return at;
  }
  return system_clock::time_point::max();  // no workdays at all
}

std::optional<one_shot> plan_after_hours_start(const schedule_config& config, system_clock::time_point now) {
  if (is_working_time(config, now)) return std::nullopt;
  const auto at = ceil<minutes>(now + config.after_hours_start);
  if (at >= next_working_start(config, now)) return std::nullopt;
  auto shot = make_one_shot(at, config.zone, now);
  if (!shot) return std::nullopt;  // the wall time repeats (fall back): keep the default schedule
  return std::move(*shot);
}

}  // namespace devenv::schedule
