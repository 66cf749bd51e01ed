#include "schedule/cronjob_state.h"

#include <fmt/format.h>

namespace devenv::schedule {

result<const date::time_zone*> cronjob_zone(const cronjob_state& cronjob) {
  try {
    return date::locate_zone(cronjob.time_zone.empty() ? "UTC" : cronjob.time_zone);
  } catch (const std::exception&) {
    return fail(errc::invalid_argument,
                fmt::format("CronJob time zone \"{}\" is unknown", cronjob.time_zone));
  }
}

bool has_default_schedule(const schedule_config& config, const cronjob_state& cronjob) {
  auto zone = cronjob_zone(cronjob);
  if (!zone || *zone != config.zone) return false;
  auto current = cron_expression::parse(cronjob.schedule);
  auto wanted = cron_expression::parse(default_cron(config));
  return current && wanted && *current == *wanted;
}

}  // namespace devenv::schedule
