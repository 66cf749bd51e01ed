#include "slack/mrkdwn.h"

#include <gtest/gtest.h>

#include "slack/utf8.h"

namespace devenv::slack {
namespace {

TEST(Mrkdwn, EscapesTheThreeControlCharacters) {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"", ""},
      {"plain *bold*", "plain *bold*"},
      {"<!channel>", "&lt;!channel&gt;"},
      {"<http://evil|ok>", "&lt;http://evil|ok&gt;"},
      {"a & b", "a &amp; b"},
      {"&amp;", "&amp;amp;"},  // already-escaped text is escaped again: callers pass raw user text
  };
  for (const auto& c : cases) EXPECT_EQ(escape_mrkdwn(c.in), c.out) << c.in;
}

TEST(Mrkdwn, QuoteCode) {
  EXPECT_EQ(quote_code("dev1"), "`dev1`");
  EXPECT_EQ(quote_code("a`b<c"), "`a'b&lt;c`");
  EXPECT_EQ(quote_code(std::string(300, 'a')), "`" + std::string(40, 'a') + "…`");
  EXPECT_EQ(quote_code("abcdef", 3), "`abc…`");
}

TEST(Mrkdwn, Truncate) {
  const struct {
    std::string in;
    std::size_t max;
    std::string out;
  } cases[] = {
      {"hello", 5, "hello"},
      {"hello!", 5, "hell…"},
      {"ab&amp;cd", 5, "ab…"},       // would end inside "&amp;"
      {"ab&amp;cd", 8, "ab&amp;…"},  // the whole entity fits
      {"éééé", 3, "éé…"},
      {"🚀🚀🚀", 4, "🚀…"},  // a rocket is two units; half a surrogate pair is never kept
      {"abc", 0, ""},
  };
  for (const auto& c : cases) {
    const std::string got = truncate_mrkdwn(c.in, c.max);
    EXPECT_EQ(got, c.out) << c.in << " / " << c.max;
    EXPECT_LE(utf16_length(got), c.max) << c.in;
  }
}

}  // namespace
}  // namespace devenv::slack
