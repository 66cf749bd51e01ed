#include "kube/token_source.h"

#include <gtest/gtest.h>

#include "kube/testing/temp_dir.h"

namespace devenv::kube {
namespace {

using namespace std::chrono_literals;
using testing::temp_dir;

TEST(TokenSource, FixedAndAnonymous) {
  auto t0 = token_source::clock::time_point{};
  EXPECT_EQ(token_source::fixed("abc").get(t0).value(), "abc");
  EXPECT_EQ(token_source().get(t0).value(), "");
}

TEST(TokenSource, RereadsWhenMtimeChanges) {
  temp_dir dir;
  auto file = dir.write("token", "first\n");
  auto mtime = std::filesystem::last_write_time(file);
  auto source = token_source::from_file(file);
  auto t0 = token_source::clock::time_point{} + 1h;
  EXPECT_EQ(source.get(t0).value(), "first");  // trailing newline trimmed

  // Rotated in place with a new mtime: picked up immediately, well before the refresh interval.
  dir.write("token", "second");
  std::filesystem::last_write_time(file, mtime + 5s);
  EXPECT_EQ(source.get(t0 + 1s).value(), "second");
}

TEST(TokenSource, RereadsAfterIntervalEvenWithSameMtime) {
  temp_dir dir;
  auto file = dir.write("token", "first");
  auto mtime = std::filesystem::last_write_time(file);
  auto source = token_source::from_file(file, 60s);
  auto t0 = token_source::clock::time_point{} + 1h;
  ASSERT_EQ(source.get(t0).value(), "first");

  dir.write("token", "second");
  std::filesystem::last_write_time(file, mtime);  // a coarse clock: mtime looks unchanged
  EXPECT_EQ(source.get(t0 + 59s).value(), "first");
  EXPECT_EQ(source.get(t0 + 60s).value(), "second");
}

TEST(TokenSource, KeepsLastGoodTokenWhenFileVanishes) {
  temp_dir dir;
  auto file = dir.write("token", "good");
  auto source = token_source::from_file(file, 1s);
  auto t0 = token_source::clock::time_point{} + 1h;
  ASSERT_EQ(source.get(t0).value(), "good");
  std::filesystem::remove(file);
  EXPECT_EQ(source.get(t0 + 10s).value(), "good");

  auto never = token_source::from_file(dir.path() / "absent");
  auto first = never.get(t0);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, errc::unauthorized);
}

}  // namespace
}  // namespace devenv::kube
