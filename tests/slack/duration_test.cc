#include "core/duration.h"

#include <gtest/gtest.h>

namespace devenv {
namespace {

using std::chrono::minutes;

TEST(ParseDuration, AcceptsEveryDocumentedForm) {
  const struct {
    const char* text;
    int minutes;
  } cases[] = {
      {"1h", 60},
      {"90m", 90},
      {"1h30m", 90},
      {"1h 30m", 90},
      {"2 hours", 120},
      {"45 minutes", 45},
      {"1 hour 30 minutes", 90},
      {"1 hour and 30 minutes", 90},
      {"1.5h", 90},
      {"0.5 hours", 30},
      {".25h", 15},
      {"2H", 120},
      {"90 MIN", 90},
      {"  3hrs  ", 180},
      {"1 hr 5 mins", 65},
      {"1 minute", 1},
      {"1d", 1440},
      {"1 day 2 hours", 1560},
      {"366d", 366 * 1440},
  };
  for (const auto& c : cases) {
    const auto got = parse_duration(c.text);
    ASSERT_TRUE(got.has_value()) << c.text << ": " << got.error().message;
    EXPECT_EQ(*got, minutes{c.minutes}) << c.text;
  }
}

TEST(ParseDuration, RejectsWithAClearMessage) {
  const struct {
    const char* text;
    const char* message_part;
  } cases[] = {
      {"", "no duration"},
      {"   ", "no duration"},
      {"0", "needs a unit"},
      {"0h", "zero"},
      {"0h 0m", "zero"},
      {"-1h", "negative"},
      {"90", "needs a unit"},
      {"1h30", "needs a unit"},
      {"2 weeks", "`weeks` is not a unit"},
      {"abc", "expected a number"},
      {"h", "expected a number"},
      {"1h1h", "largest first"},
      {"30m 1h", "largest first"},
      {"1.01h", "not a whole number of minutes"},
      {"0.5m", "not a whole number of minutes"},
      {"1.1234567h", "too many decimals"},
      {"367d", "too long"},
      {"99999999999999999999h", "too long"},
      {"9223372036854775807m", "too long"},
      {"1h,30m", "expected a number at `,30m`"},
      {".h", "needs digits"},
  };
  for (const auto& c : cases) {
    const auto got = parse_duration(c.text);
    ASSERT_FALSE(got.has_value()) << c.text << " parsed as " << got->count();
    EXPECT_EQ(got.error().code, errc::invalid_argument) << c.text;
    EXPECT_NE(got.error().message.find(c.message_part), std::string::npos)
        << c.text << ": " << got.error().message;
  }
}

TEST(ParseDuration, EchoesHostileInputOnlyShortened) {
  const std::string huge(10'000, 'x');
  const auto got = parse_duration(huge);
  ASSERT_FALSE(got.has_value());
  EXPECT_LT(got.error().message.size(), 200u);
}

TEST(FormatDuration, ShortHumanForm) {
  const struct {
    int minutes;
    const char* text;
  } cases[] = {
      {90, "1 h 30 min"}, {60, "1 h"},         {45, "45 min"},       {0, "0 min"},
      {1500, "1 d 1 h"},  {1441, "1 d 1 min"}, {-90, "-1 h 30 min"},
  };
  for (const auto& c : cases) EXPECT_EQ(format_duration(minutes{c.minutes}), c.text) << c.minutes;
}

TEST(FormatDuration, RoundTripsThroughTheParser) {
  for (const int m : {1, 59, 60, 61, 90, 1439, 1440, 2000, 366 * 1440}) {
    std::string text = format_duration(minutes{m});
    const auto parsed = parse_duration(text);
    ASSERT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, minutes{m}) << text;
  }
}

}  // namespace
}  // namespace devenv
