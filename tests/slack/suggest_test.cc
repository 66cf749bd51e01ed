#include "slack/suggest.h"

#include <gtest/gtest.h>

#include <array>

namespace devenv::slack {
namespace {

TEST(EditDistance, DamerauLevenshtein) {
  const struct {
    const char* a;
    const char* b;
    std::size_t d;
  } cases[] = {
      {"", "", 0},
      {"stop", "stop", 0},
      {"STOP", "stop", 0},
      {"stpo", "stop", 1},
      {"sop", "stop", 1},
      {"stoop", "stop", 1},
      {"step", "stop", 1},
      {"", "abc", 3},
      {"ca", "abc", 3},  // OSA, not unrestricted
      {"kitten", "sitting", 3},
      {"tsop", "stop", 1},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(edit_distance(c.a, c.b), c.d) << c.a << " / " << c.b;
    EXPECT_EQ(edit_distance(c.b, c.a), c.d) << c.b << " / " << c.a;
  }
}

TEST(Nearest, PicksTheClosestWithinTwo) {
  constexpr std::array<std::string_view, 4> words{"start", "stop", "status", "list"};
  const struct {
    const char* word;
    std::optional<std::string_view> expected;
  } cases[] = {
      {"stpo", "stop"},
      {"strat", "start"},
      {"statsu", "status"},
      {"lst", "list"},
      {"sta", "start"},     // 2 from "start" and from "stop": a tie goes to table
                            // order
      {"x", std::nullopt},  // 1 from nothing, but never "correct" a word into something longer than a typo
      {"zzzzzz", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(nearest(c.word, words), c.expected) << c.word;
  EXPECT_EQ(nearest(std::string(10'000, 's'), words), std::nullopt);
}

}  // namespace
}  // namespace devenv::slack
