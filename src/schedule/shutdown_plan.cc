#include "schedule/shutdown_plan.h"

#include <fmt/format.h>

#include "schedule/reset_plan.h"

namespace devenv::schedule {

using namespace std::chrono;

std::string format_remaining(system_clock::duration remaining) {
  const auto total = ceil<minutes>(std::max(remaining, system_clock::duration::zero()));
  const auto d = total.count() / (24 * 60);
  const auto h = (total.count() / 60) % 24;
  const auto m = total.count() % 60;
  if (d > 0) return h > 0 ? fmt::format("{} d {} h", d, h) : fmt::format("{} d", d);
  if (h > 0) return m > 0 ? fmt::format("{} h {} min", h, m) : fmt::format("{} h", h);
  return fmt::format("{} min", m);
}

std::string describe_shutdown(system_clock::time_point at, system_clock::time_point now,
                              const date::time_zone* zone) {
  const auto info = zone->get_info(floor<seconds>(at));
  const auto local_at = zone->to_local(floor<seconds>(at));
  const auto day_at = floor<date::days>(local_at);
  const auto day_now = floor<date::days>(zone->to_local(floor<seconds>(now)));
  const auto days_ahead = (day_at - day_now).count();
  const std::string clock = date::format("%H:%M", local_at);
  std::string when;
  if (days_ahead == 0) {
    when = fmt::format("{} {}", clock, info.abbrev);
  } else if (days_ahead == 1) {
    when = fmt::format("tomorrow {} {}", clock, info.abbrev);
  } else if (days_ahead > 1 && days_ahead < 7) {
    when = fmt::format("{} {} {}", date::format("%a", day_at), clock, info.abbrev);
  } else {
    when = fmt::format("{} {} {}", date::format("%a %d %b", day_at), clock, info.abbrev);
  }
  return fmt::format("{}, in {}", when, format_remaining(at - now));
}

result<shutdown_view> next_shutdown(const schedule_config& config, const cronjob_state& cronjob,
                                    env_state env, system_clock::time_point now) {
  if (cronjob.suspend) return shutdown_view{std::nullopt, "no scheduled shutdown (scheduling is disabled)"};
  if (env == env_state::stopped) return shutdown_view{std::nullopt, "stopped"};

  auto zone = cronjob_zone(cronjob);
  if (!zone) return tl::unexpected(zone.error());
  auto expr = cron_expression::parse(cronjob.schedule);
  if (!expr) return tl::unexpected(expr.error());
  std::optional<system_clock::time_point> at = expr->next_after(now, *zone);

  if (needs_reset(config, cronjob, now)) {
    // The reset restores the default before anything else happens, unless the current schedule
    // fires even earlier.
    const auto reset_at = next_reset_instant(config, now);
    auto standard = cron_expression::parse(default_cron(config));
    if (!standard) return tl::unexpected(standard.error());
    const auto after_reset = standard->next_after(reset_at, config.zone);
    if (!at || *at >= reset_at) at = after_reset;
  }
  if (!at) return shutdown_view{std::nullopt, "no scheduled shutdown (the schedule never fires)"};
  return shutdown_view{at, describe_shutdown(*at, now, config.zone)};
}

}  // namespace devenv::schedule
