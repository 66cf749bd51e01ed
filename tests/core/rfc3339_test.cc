#include "core/rfc3339.h"

#include <gtest/gtest.h>

namespace devenv {
namespace {

using namespace std::chrono;

TEST(Rfc3339, FormatsUtcWholeSeconds) {
  const auto t = sys_days{year_month_day{year{2026}, month{11}, day{27}}} + hours{18} + milliseconds{900};
  EXPECT_EQ(format_rfc3339(t), "2026-11-27T18:00:00Z");
}

TEST(Rfc3339, ParsesZuluOffsetsAndFractions) {
  const auto base = sys_days{year_month_day{year{2026}, month{3}, day{29}}} + hours{1};
  EXPECT_EQ(parse_rfc3339("2026-03-29T01:00:00Z"), base);
  EXPECT_EQ(parse_rfc3339("2026-03-29T03:00:00+02:00"), base);
  EXPECT_EQ(parse_rfc3339("2026-03-28T20:00:00-05:00"), base);
  EXPECT_EQ(parse_rfc3339("2026-03-29T01:00:00.250Z"), base + milliseconds{250});
}

TEST(Rfc3339, RoundTrips) {
  const auto t = floor<seconds>(system_clock::now());
  EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t);
}

TEST(Rfc3339, RejectsGarbage) {
  for (const char* bad :
       {"", "yesterday", "2026-13-01T00:00:00Z", "2026-11-27 18:00:00", "2026-11-27T18:00:00Zjunk"}) {
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace devenv
