#include "schedule/one_shot.h"

#include <fmt/format.h>

#include <bit>

namespace devenv::schedule {

using namespace std::chrono;

result<one_shot> make_one_shot(system_clock::time_point at, const date::time_zone* zone,
                               system_clock::time_point not_before) {
  const auto whole = floor<minutes>(at);
  if (whole != at) return fail(errc::internal, "one-shot instant is not a whole minute");
  if (at <= not_before) return fail(errc::invalid_argument, "one-shot instant is not in the future");
  const auto local = zone->to_local(whole);
  const auto day = floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<seconds> tod{local - day};
  one_shot out;
  out.schedule = fmt::format("{} {} {} {} *", tod.minutes().count(), tod.hours().count(),
                             static_cast<unsigned>(ymd.day()), static_cast<unsigned>(ymd.month()));
  out.time_zone = zone->name();
  out.at = whole;
  // Check the schedule really fires at `at` first (not at an earlier occurrence of the same wall time).
  auto expr = cron_expression::parse(out.schedule);
  if (!expr) return tl::unexpected(expr.error());
  const auto fires = expr->next_after(not_before, zone);
  if (!fires || *fires != whole) {
    return fail(errc::invalid_argument,
                fmt::format("{} {} is ambiguous (the clock is set back then); choose another time",
                            date::format("%Y-%m-%d %H:%M", local), zone->name()));
  }
  return out;
}

bool is_one_shot(const cron_expression& expr) {
  return std::popcount(expr.bits(cron_field::minute)) == 1 &&
         std::popcount(expr.bits(cron_field::hour)) == 1 &&
         std::popcount(expr.bits(cron_field::day_of_month)) == 1 &&
         std::popcount(expr.bits(cron_field::month)) == 1 && expr.day_of_week_star();
}

}  // namespace devenv::schedule
