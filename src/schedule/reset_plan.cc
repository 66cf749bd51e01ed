#include "schedule/reset_plan.h"

#include "schedule/one_shot.h"

namespace devenv::schedule {

using namespace std::chrono;

bool needs_reset(const schedule_config& config, const cronjob_state& cronjob, system_clock::time_point now) {
  if (has_default_schedule(config, cronjob)) return false;
  if (cronjob.prolonged_until) return *cronjob.prolonged_until <= now;
  auto expr = cron_expression::parse(cronjob.schedule);
  auto zone = cronjob_zone(cronjob);
  if (!expr || !zone || !is_one_shot(*expr)) return true;
  // A one-shot fires once a year; if its occurrence within the last 60 days is not after now, it is past.
  const auto recent = expr->next_after(now - days{60}, *zone);
  return !recent || *recent <= now;
}

system_clock::time_point next_reset_instant(const schedule_config& config, system_clock::time_point now) {
  const auto local_day = floor<date::days>(config.zone->to_local(floor<seconds>(now)));
  for (auto day = local_day - date::days{1};; day += date::days{1}) {
    const auto at = config.zone->to_sys(date::local_seconds{day} + config.reset, date::choose::earliest);
    if (at > now) return at;
  }
}

}  // namespace devenv::schedule
