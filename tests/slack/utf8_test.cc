#include "slack/utf8.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace devenv::slack {
namespace {

TEST(Utf8, FindsTheFirstInvalidByte) {
  const struct {
    std::string text;
    std::optional<std::size_t> bad;
  } cases[] = {
      {"", std::nullopt},
      {"ascii", std::nullopt},
      {"été 🚀 €", std::nullopt},
      {"\xF4\x8F\xBF\xBF", std::nullopt},  // U+10FFFF
      {"a\x80", 1},
      {"ab\xC3", 2},
      {"\xC0\xAF", 0},
      {"\xE0\x80\xAF", 0},
      {"\xED\xA0\x80", 0},
      {"\xF4\x90\x80\x80", 0},
      {"\xF5\x80\x80\x80", 0},
      {"\xE2\x28\xA1", 0},
  };
  for (const auto& c : cases) EXPECT_EQ(find_invalid_utf8(c.text), c.bad) << c.text;
}

TEST(Utf8, Utf16Prefix) {
  EXPECT_EQ(utf16_prefix("abc", 2), "ab");
  EXPECT_EQ(utf16_prefix("é🚀x", 2), "é");  // the rocket needs two units
  EXPECT_EQ(utf16_prefix("é🚀x", 3), "é🚀");
  EXPECT_EQ(utf16_prefix("", 5), "");
}

TEST(Utf8, Utf16Length) {
  EXPECT_EQ(utf16_length(""), 0u);
  EXPECT_EQ(utf16_length("abc"), 3u);
  EXPECT_EQ(utf16_length("é€"), 2u);
  EXPECT_EQ(utf16_length("🚀"), 2u);
}

}  // namespace
}  // namespace devenv::slack
