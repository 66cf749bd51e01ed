#include "core/cron.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "schedule/test_time.h"

namespace devenv {
namespace {

using namespace std::chrono;
using testing::iso;
using testing::utc;

std::uint64_t set_of(std::initializer_list<int> values) {
  std::uint64_t bits = 0;
  for (int v : values) bits |= std::uint64_t{1} << v;
  return bits;
}
std::uint64_t range_of(int lo, int hi, int step = 1) {
  std::uint64_t bits = 0;
  for (int v = lo; v <= hi; v += step) bits |= std::uint64_t{1} << v;
  return bits;
}

TEST(CronParse, ValidExpressions) {
  struct row {
    const char* text;
    std::uint64_t minute, hour, dom, month, dow;
    bool dom_star, dow_star;
  };
  const row rows[] = {
      {"* * * * *", range_of(0, 59), range_of(0, 23), range_of(1, 31), range_of(1, 12), range_of(0, 6), true,
       true},
      {"0 19 * * 1-5", set_of({0}), set_of({19}), range_of(1, 31), range_of(1, 12), range_of(1, 5), true,
       false},
      {"*/15 0-6/2 1,15 * *", range_of(0, 59, 15), range_of(0, 6, 2), set_of({1, 15}), range_of(1, 12),
       range_of(0, 6), false, true},
      {"5/20 * * JAN-mar,Dec sun,SAT", set_of({5, 25, 45}), range_of(0, 23), range_of(1, 31),
       set_of({1, 2, 3, 12}), set_of({0, 6}), true, false},
      {"0 0 */2 * *", set_of({0}), set_of({0}), range_of(1, 31, 2), range_of(1, 12), range_of(0, 6), false,
       true},
      {"0 0 ? * MON-fri", set_of({0}), set_of({0}), range_of(1, 31), range_of(1, 12), range_of(1, 5), true,
       false},
      {"0 0 */1 * 1", set_of({0}), set_of({0}), range_of(1, 31), range_of(1, 12), set_of({1}), true, false},
      {"@hourly", set_of({0}), range_of(0, 23), range_of(1, 31), range_of(1, 12), range_of(0, 6), true, true},
      {"@daily", set_of({0}), set_of({0}), range_of(1, 31), range_of(1, 12), range_of(0, 6), true, true},
      {"@midnight", set_of({0}), set_of({0}), range_of(1, 31), range_of(1, 12), range_of(0, 6), true, true},
      {"@weekly", set_of({0}), set_of({0}), range_of(1, 31), range_of(1, 12), set_of({0}), true, false},
      {"@monthly", set_of({0}), set_of({0}), set_of({1}), range_of(1, 12), range_of(0, 6), false, true},
      {"@yearly", set_of({0}), set_of({0}), set_of({1}), set_of({1}), range_of(0, 6), false, true},
      {"@annually", set_of({0}), set_of({0}), set_of({1}), set_of({1}), range_of(0, 6), false, true},
      {"  30   0 28 11 *  ", set_of({30}), set_of({0}), set_of({28}), set_of({11}), range_of(0, 6), false,
       true},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.text);
    auto e = cron_expression::parse(r.text);
    ASSERT_TRUE(e.has_value()) << e.error().message;
    EXPECT_EQ(e->bits(cron_field::minute), r.minute);
    EXPECT_EQ(e->bits(cron_field::hour), r.hour);
    EXPECT_EQ(e->bits(cron_field::day_of_month), r.dom);
    EXPECT_EQ(e->bits(cron_field::month), r.month);
    EXPECT_EQ(e->bits(cron_field::day_of_week), r.dow);
    EXPECT_EQ(e->day_of_month_star(), r.dom_star);
    EXPECT_EQ(e->day_of_week_star(), r.dow_star);
    // to_string round-trips to an equal expression and is a fixed point.
    auto again = cron_expression::parse(e->to_string());
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, *e);
    EXPECT_EQ(again->to_string(), e->to_string());
  }
  EXPECT_EQ(cron_expression::parse("  30   0 28 11 *  ")->to_string(), "30 0 28 11 *");
  EXPECT_EQ(cron_expression::parse("@weekly")->to_string(), "@weekly");
}

TEST(CronParse, InvalidExpressionsNameFieldValueAndRange) {
  struct row {
    const char* text;
    const char* message_part;
  };
  const row rows[] = {
      {"", "empty schedule"},
      {"* * * *", "expected 5 fields"},
      {"* * * * * *", "got 6"},
      {"60 * * * *", "minute: value 60 out of range in \"60\" (allowed 0-59)"},
      {"* 24 * * *", "hour: value 24 out of range"},
      {"* * 0 * *", "day-of-month: value 0 out of range in \"0\" (allowed 1-31)"},
      {"* * 32 * *", "day-of-month"},
      {"* * * 13 *", "month: value 13 out of range in \"13\" (allowed 1-12 or JAN-DEC)"},
      {"* * * * 7", "day-of-week: 7 is not accepted by Kubernetes"},
      {"* * * * 0-7", "use 0 or SUN"},
      {"* * * * funday", "day-of-week: \"funday\" is not a number or a name"},
      {"* * * january *", "month: \"january\""},
      {"* * * * MON-", "missing value"},
      {"*/0 * * * *", "minute: step must be a positive number in \"*/0\""},
      {"*/x * * * *", "step must be a positive number"},
      {"1/2/3 * * * *", "too many slashes"},
      {"1-2-3 * * * *", "too many hyphens"},
      {"30-10 * * * *", "range start 30 is after its end 10"},
      {"1,,2 * * * *", "empty list item"},
      {"-1 * * * *", "missing value"},
      {"a * * * *", "minute: \"a\" is not a number in"},
      {"@every 1h", "unsupported macro"},
      {"@reboot", "unsupported macro"},
      {"@daily extra", "unsupported macro"},
      {"TZ=Europe/Berlin 0 19 * * 1-5", "spec.timeZone"},
      {"CRON_TZ=UTC 0 19 * * 1-5", "spec.timeZone"},
      {"99999 * * * *", "minute"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.text);
    auto e = cron_expression::parse(r.text);
    ASSERT_FALSE(e.has_value());
    EXPECT_EQ(e.error().code, errc::invalid_argument);
    EXPECT_NE(e.error().message.find(r.message_part), std::string::npos) << e.error().message;
  }
}

TEST(CronMatch, DayOfMonthAndDayOfWeekFollowRobfig) {
  // 2012-07-15 is a Sunday; 2012-06-15 a Friday; 2012-08-01 a Wednesday; 2012-07-09 a Monday.
  struct row {
    const char* spec;
    int y;
    unsigned m, d;
    bool matches;
  };
  const row rows[] = {
      {"0 0 1,15 * Sun", 2012, 7, 15, true},  // both restricted: either matches
      {"0 0 1,15 * Sun", 2012, 6, 15, true},
      {"0 0 1,15 * Sun", 2012, 8, 1, true},
      {"0 0 1,15 * Sun", 2012, 7, 9, false},
      {"0 0 * * Mon", 2012, 7, 15, false},  // a star: both must match
      {"0 0 1,15 * *", 2012, 7, 9, false},
      {"0 0 1,15 * *", 2012, 7, 15, true},
      {"0 0 ? * Sun", 2012, 7, 15, true},
      {"0 0 */10 * Sun", 2012, 7, 15, true},   // robfig v3: */10 is a restriction, so OR
      {"0 0 */10 * Mon", 2012, 7, 11, true},   // day 11 is in 1,11,21,31
      {"0 0 */10 * Mon", 2012, 7, 10, false},  // Tuesday the 10th
      {"0 0 */1 * Mon", 2012, 7, 15, false},   // */1 is still a star
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.spec);
    auto e = cron_expression::parse(r.spec);
    ASSERT_TRUE(e.has_value());
    const auto local = date::local_days{date::year{r.y} / date::month{r.m} / date::day{r.d}};
    EXPECT_EQ(e->matches(date::local_seconds{local}), r.matches) << r.y << "-" << r.m << "-" << r.d;
  }
}

TEST(CronNext, RobfigVectorsIncludingDst) {
  const auto* ny = date::locate_zone("America/New_York");
  const auto* utc_zone = date::locate_zone("UTC");
  struct row {
    const char* spec;
    const date::time_zone* zone;
    testing::time_point after;
    std::optional<testing::time_point> expected;
  };
  const row rows[] = {
      {"0/15 * * * *", utc_zone, utc(2012, 7, 9, 14, 45), utc(2012, 7, 9, 15, 0)},
      {"0/15 * * * *", utc_zone, utc(2012, 7, 9, 14, 59, 59), utc(2012, 7, 9, 15, 0)},
      {"20-35/15 * * * *", utc_zone, utc(2012, 7, 9, 15, 45), utc(2012, 7, 9, 16, 20)},
      {"*/15 * * * *", utc_zone, utc(2012, 7, 9, 23, 46), utc(2012, 7, 10, 0, 0)},
      {"0 0 9 Apr-Oct *", utc_zone, utc(2012, 7, 9, 23, 35), utc(2012, 8, 9)},
      // robfig v3 treats */5 as a restriction, so day 1 OR Monday: Aug 1 (older robfig said Aug 6).
      {"0 0 */5 Apr,Aug,Oct Mon", utc_zone, utc(2012, 7, 9, 23, 35), utc(2012, 8, 1)},
      {"0 0 * Apr,Aug,Oct Mon", utc_zone, utc(2012, 7, 9, 23, 35), utc(2012, 8, 6)},
      {"0 0 * Feb Mon", utc_zone, utc(2012, 7, 9, 23, 35), utc(2013, 2, 4)},
      {"* * * * *", utc_zone, utc(2012, 12, 31, 23, 59, 45), utc(2013, 1, 1)},
      {"0 0 29 Feb *", utc_zone, utc(2012, 7, 9, 23, 35), utc(2016, 2, 29)},
      {"0 0 30 Feb *", utc_zone, utc(2012, 7, 9, 23, 35), std::nullopt},
      {"0 0 31 Apr *", utc_zone, utc(2012, 7, 9, 23, 35), std::nullopt},
      // Spring forward: 02:30 does not exist on 2012-03-11, the next one is a year later (EDT).
      {"30 2 11 Mar *", ny, utc(2012, 3, 11, 5), utc(2013, 3, 11, 6, 30)},
      // Fall back: 02:30 EST; 01:30 exists twice and the second one (EST) comes after 01:45 EDT.
      {"30 2 04 Nov *", ny, utc(2012, 11, 4, 4), utc(2012, 11, 4, 7, 30)},
      {"30 1 04 Nov *", ny, utc(2012, 11, 4, 5, 45), utc(2012, 11, 4, 6, 30)},
      {"30 1 04 Nov *", ny, utc(2012, 11, 4, 4), utc(2012, 11, 4, 5, 30)},
      // Hourly across the repeated hour: 01:00 EDT, 01:00 EST, 02:00 EST.
      {"0 * * * *", ny, utc(2012, 11, 4, 4), utc(2012, 11, 4, 5)},
      {"0 * * * *", ny, utc(2012, 11, 4, 5), utc(2012, 11, 4, 6)},
      {"0 * * * *", ny, utc(2012, 11, 4, 6), utc(2012, 11, 4, 7)},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(std::string(r.spec) + " after " + iso(r.after));
    auto e = cron_expression::parse(r.spec);
    ASSERT_TRUE(e.has_value()) << e.error().message;
    const auto got = e->next_after(r.after, r.zone);
    ASSERT_EQ(got.has_value(), r.expected.has_value());
    if (got) {
      EXPECT_EQ(iso(*got), iso(*r.expected));
    }
  }
}

// ---- brute force: a minute-by-minute evaluator over one year, built from independently computed sets.

struct generated {
  std::string text;
  std::array<std::uint64_t, 5> bits{};
  bool dom_star = false;
  bool dow_star = false;
};

generated random_expression(std::mt19937& rng) {
  static const int mins[] = {0, 0, 1, 1, 0};
  static const int maxs[] = {59, 23, 31, 12, 6};
  static const char* months[] = {"jan", "FEB", "Mar", "apr", "MAY", "jun",
                                 "Jul", "aug", "SEP", "oct", "Nov", "dec"};
  static const char* days[] = {"SUN", "mon", "Tue", "wed", "THU", "fri", "Sat"};
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  generated g;
  for (int f = 0; f < 5; ++f) {
    const int lo = mins[f], hi = maxs[f];
    auto value_text = [&](int v) -> std::string {
      if (f == 3 && uniform(0, 2) == 0) return months[v - 1];
      if (f == 4 && uniform(0, 2) == 0) return days[v];
      return std::to_string(v);
    };
    auto pick = [&]() {
      // Hours around DST changes (1-3) are picked often to exercise gaps and repeats.
      if (f == 1 && uniform(0, 2) == 0) return uniform(1, 3);
      return uniform(lo, hi);
    };
    // Minutes, hours and months are rarely "*" to keep firings sparse enough to scan.
    const int kinds = uniform(1, 3);
    std::string text;
    bool star = false;
    std::uint64_t bits = 0;
    for (int k = 0; k < kinds; ++k) {
      std::string item;
      int a = lo, b = hi, step = 1;
      bool item_star = false;
      switch (uniform(0, f == 2 || f == 4 ? 6 : 5)) {
        case 0:
          item = "*";
          item_star = true;
          break;
        case 1: {
          step = uniform(1, 4) * (f == 0 ? 7 : 1);
          item = "*/" + std::to_string(step);
          item_star = step == 1;
          break;
        }
        case 2:
        case 3:
          a = b = pick();
          item = value_text(a);
          break;
        case 4: {
          a = pick();
          b = pick();
          if (a > b) std::swap(a, b);
          item = value_text(a) + "-" + value_text(b);
          break;
        }
        case 5: {
          a = pick();
          b = pick();
          if (a > b) std::swap(a, b);
          step = uniform(2, 5);
          item = value_text(a) + "-" + value_text(b) + "/" + std::to_string(step);
          break;
        }
        default: {
          a = pick();
          step = uniform(2, 9);
          item = std::to_string(a) + "/" + std::to_string(step);
          b = hi;
          break;
        }
      }
      for (int v = a; v <= b; v += step) bits |= std::uint64_t{1} << v;
      star = star || item_star;
      text += (k ? "," : "") + item;
    }
    g.bits[static_cast<std::size_t>(f)] = bits;
    if (f == 2) g.dom_star = star;
    if (f == 4) g.dow_star = star;
    g.text += (f ? " " : "") + text;
  }
  return g;
}

struct local_fields {
  std::uint8_t minute, hour, dom, month, dow;
};

bool reference_matches(const generated& g, const local_fields& l) {
  auto has = [&](int f, int v) { return (g.bits[static_cast<std::size_t>(f)] >> v) & 1U; };
  if (!has(0, l.minute) || !has(1, l.hour) || !has(3, l.month)) return false;
  const bool dom = has(2, l.dom), dow = has(4, l.dow);
  return (g.dom_star || g.dow_star) ? (dom && dow) : (dom || dow);
}

void brute_force_check(const char* zone_name, unsigned seed) {
  const auto* zone = date::locate_zone(zone_name);
  const auto begin = utc(2026, 1, 1);
  const auto end = utc(2027, 1, 1);
  const auto count = static_cast<std::size_t>(duration_cast<minutes>(end - begin).count());
  std::vector<local_fields> fields(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto local = zone->to_local(floor<seconds>(begin + minutes{i}));
    const auto day = floor<date::days>(local);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<seconds> tod{local - day};
    fields[i] = {static_cast<std::uint8_t>(tod.minutes().count()),
                 static_cast<std::uint8_t>(tod.hours().count()),
                 static_cast<std::uint8_t>(static_cast<unsigned>(ymd.day())),
                 static_cast<std::uint8_t>(static_cast<unsigned>(ymd.month())),
                 static_cast<std::uint8_t>(date::weekday{day}.c_encoding())};
  }
  // Query instants near every UTC offset change in the window (DST), plus random ones.
  std::vector<testing::time_point> transitions;
  for (std::size_t i = 1; i < count; ++i) {
    const auto a = zone->get_info(date::sys_seconds{floor<seconds>(begin + minutes{i - 1})}).offset;
    const auto b = zone->get_info(date::sys_seconds{floor<seconds>(begin + minutes{i})}).offset;
    if (a != b) transitions.push_back(begin + minutes{i});
  }

  std::mt19937 rng(seed);
  int checked_firings = 0;
  for (int n = 0; n < 150; ++n) {
    const generated g = random_expression(rng);
    SCOPED_TRACE(std::string(zone_name) + " \"" + g.text + "\"");
    auto e = cron_expression::parse(g.text);
    ASSERT_TRUE(e.has_value()) << e.error().message;
    for (int f = 0; f < 5; ++f)
      ASSERT_EQ(e->bits(static_cast<cron_field>(f)), g.bits[static_cast<std::size_t>(f)]);
    ASSERT_EQ(e->day_of_month_star(), g.dom_star);
    ASSERT_EQ(e->day_of_week_star(), g.dow_star);

    std::vector<testing::time_point> firings;
    for (std::size_t i = 0; i < count; ++i) {
      if (reference_matches(g, fields[i])) firings.push_back(begin + minutes{i});
    }
    auto expect_next = [&](testing::time_point q) {
      const auto it = std::upper_bound(firings.begin(), firings.end(), q);
      const auto got = e->next_after(q, zone);
      if (it != firings.end()) {
        ASSERT_TRUE(got.has_value()) << "after " << iso(q);
        ASSERT_EQ(iso(*got), iso(*it)) << "after " << iso(q);
        ++checked_firings;
      } else if (got) {
        ASSERT_GE(*got, end) << "after " << iso(q);  // beyond the scanned window
      }
    };
    // The chain of the first firings from the start of the window.
    auto q = begin - seconds{1};
    for (int k = 0; k < 25; ++k) {
      expect_next(q);
      auto next = e->next_after(q, zone);
      if (!next || *next >= end) break;
      q = *next;
    }
    std::uniform_int_distribution<long> any(0, static_cast<long>(count) * 60 - 1);
    for (int k = 0; k < 20; ++k) expect_next(begin + seconds{any(rng)});
    for (const auto t : transitions) {
      for (int delta : {-181, -90, -61, -31, -1, 0, 29, 59, 61})
        expect_next(t + minutes{delta} + seconds{delta % 7});
    }
  }
  EXPECT_GT(checked_firings, 1000);
}

TEST(CronNext, MatchesBruteForceInUtc) {
  brute_force_check("UTC", 20261127);
}
TEST(CronNext, MatchesBruteForceInBerlin) {
  brute_force_check("Europe/Berlin", 4242);
}
TEST(CronNext, MatchesBruteForceInNewYork) {
  brute_force_check("America/New_York", 7);
}

}  // namespace
}  // namespace devenv
