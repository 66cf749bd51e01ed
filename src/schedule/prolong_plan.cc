#include "schedule/prolong_plan.h"

#include <fmt/format.h>

#include "schedule/reset_plan.h"
#include "schedule/shutdown_plan.h"

namespace devenv::schedule {

using namespace std::chrono;

namespace {

std::string wall(system_clock::time_point t, const date::time_zone* zone) {
  const auto info = zone->get_info(floor<seconds>(t));
  return fmt::format("{} {} {}", date::format("%a", floor<date::days>(zone->to_local(floor<seconds>(t)))),
                     date::format("%H:%M", zone->to_local(floor<seconds>(t))), info.abbrev);
}

// The last firing of `expr` at or before `t` within the previous eight days (a working week has gaps of
// at most six days), or none.
std::optional<system_clock::time_point> last_at_or_before(const cron_expression& expr,
                                                          system_clock::time_point t,
                                                          const date::time_zone* zone) {
  std::optional<system_clock::time_point> last;
  for (auto next = expr.next_after(t - days{8}, zone); next && *next <= t;
       next = expr.next_after(*next, zone)) {
    last = next;
  }
  return last;
}

}  // namespace

result<prolong_plan> plan_prolong(const schedule_config& config, const cronjob_state& cronjob, env_state env,
                                  system_clock::time_point now, minutes requested) {
  if (requested <= minutes{0}) {
    return fail(errc::invalid_argument,
                fmt::format("a prolongation must be a positive duration, got {} min", requested.count()));
  }
  if (cronjob.suspend) {
    return fail(errc::forbidden,
                "scheduled shutdown is disabled for this environment; there is nothing to prolong");
  }
  if (env == env_state::stopped) {
    return fail(errc::forbidden, "the environment is stopped; start it instead of prolonging");
  }
  auto next = next_shutdown(config, cronjob, env, now);
  if (!next) return tl::unexpected(next.error());
  if (!next->at) return fail(errc::invalid_argument, "there is no planned shutdown to prolong");
  const auto previous = *next->at;

  auto standard = cron_expression::parse(default_cron(config));
  if (!standard) return tl::unexpected(standard.error());
  const auto base = last_at_or_before(*standard, previous, config.zone).value_or(previous);
  const auto cap = config.max_prolong;
  if (previous - base > cap) {
    return fail(
        errc::invalid_argument,
        fmt::format("the next shutdown ({}) is not a working-day shutdown; start the environment again "
                    "to run it longer",
                    wall(previous, config.zone)));
  }
  const auto until = previous + requested;
  const auto total = duration_cast<minutes>(until - base);
  if (total > cap) {
    const auto left = duration_cast<minutes>(cap - (previous - base));
    return fail(
        errc::invalid_argument,
        fmt::format("prolonging by {} would shut down at {}, {} after the default shutdown at {}; at most {} "
                    "is allowed{}",
                    format_remaining(requested), wall(until, config.zone), format_remaining(until - base),
                    wall(base, config.zone), format_remaining(cap),
                    left > minutes{0} ? fmt::format(" ({} left)", format_remaining(left))
                                      : std::string(" (none left)")));
  }
  const auto reset_at = next_reset_instant(config, base);
  if (until > reset_at) {
    return fail(errc::invalid_argument,
                fmt::format("prolonging by {} would run past the morning reset at {}",
                            format_remaining(requested), wall(reset_at, config.zone)));
  }
  auto shot = make_one_shot(until, config.zone, now);
  if (!shot) return tl::unexpected(shot.error());
  return prolong_plan{std::move(*shot), previous, base, total};
}

}  // namespace devenv::schedule
