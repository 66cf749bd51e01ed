// libFuzzer target: cron expressions (CronJob schedules we write and read back) through the parser and the
// evaluator. Invariants: the canonical text parses to an equal expression, and a next firing is strictly
// later, on a whole minute, and matches in the zone it was computed for (UTC and a DST zone).
#include <date/tz.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/cron.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256) return 0;  // schedules are short; long inputs only slow the search down
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = devenv::cron_expression::parse(text);
  if (!parsed) {
    check(!parsed.error().message.empty());
    return 0;
  }
  const auto again = devenv::cron_expression::parse(parsed->to_string());
  check(again.has_value() && *again == *parsed);

  static const date::time_zone* zones[] = {date::locate_zone("UTC"), date::locate_zone("Europe/Berlin")};
  // 2026-03-29 00:30 UTC: just before Berlin's spring-forward gap, where evaluation is most delicate.
  const std::chrono::system_clock::time_point start{std::chrono::seconds{1'774'744'200}};
  for (const auto* zone : zones) {
    auto after = start;
    for (int i = 0; i < 3; ++i) {
      const auto next = parsed->next_after(after, zone);
      if (!next) break;
      check(*next > after);
      check(std::chrono::floor<std::chrono::minutes>(*next) == *next);
      const auto local = zone->to_local(std::chrono::floor<std::chrono::seconds>(*next));
      check(parsed->matches(local));
      after = *next;
    }
  }
  return 0;
}
