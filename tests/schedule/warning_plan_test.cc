#include "schedule/warning_plan.h"

#include <gtest/gtest.h>

#include "schedule/test_time.h"

namespace devenv::schedule {
namespace {

using namespace std::chrono;
using testing::iso;
using testing::utc;

TEST(DecideWarning, Table) {
  const std::vector<minutes> offsets{minutes{60}, minutes{30}, minutes{15}};
  const auto t = utc(2026, 11, 27, 18, 0);
  const auto t2 = t + hours{1};  // after a prolongation
  const notified_record none{};
  auto sent = [&](std::set<int> s, testing::time_point for_t) {
    return notified_record{for_t, std::move(s)};
  };
  struct row {
    const char* name;
    std::optional<testing::time_point> shutdown;
    notified_record notified;
    testing::time_point now;
    std::optional<int> send;
    std::set<int> sent_after;
    std::optional<testing::time_point> wake;
  };
  const row rows[] = {
      {"before the first offset", t, none, t - minutes{61}, std::nullopt, {}, t - minutes{60}},
      {"exactly T-60", t, none, t - minutes{60}, 60, {60}, t - minutes{30}},
      {"restart at T-40 sends one late warning", t, none, t - minutes{40}, 40, {60}, t - minutes{30}},
      {"60 sent, at T-40 nothing", t, sent({60}, t), t - minutes{40}, std::nullopt, {60}, t - minutes{30}},
      {"then 30 as usual", t, sent({60}, t), t - minutes{30}, 30, {60, 30}, t - minutes{15}},
      {"then 15 as usual", t, sent({60, 30}, t), t - minutes{15}, 15, {60, 30, 15}, t},
      {"all sent", t, sent({60, 30, 15}, t), t - minutes{5}, std::nullopt, {60, 30, 15}, t},
      {"grouped: nothing sent at T-10", t, none, t - minutes{10}, 10, {60, 30, 15}, t},
      {"grouped: 60 sent, at T-20", t, sent({60}, t), t - minutes{20}, 20, {60, 30}, t - minutes{15}},
      {"rounded up to minutes", t, none, t - minutes{59} - seconds{30}, 60, {60}, t - minutes{30}},
      {"nothing at T", t, none, t, std::nullopt, {}, std::nullopt},
      {"nothing after T", t, sent({60}, t), t + minutes{1}, std::nullopt, {60}, std::nullopt},
      {"prolonged after the 60 warning: fresh series",
       t2,
       sent({60}, t),
       t - minutes{50},
       std::nullopt,
       {},
       t},
      {"prolonged: 60 for the new T", t2, sent({60}, t), t, 60, {60}, t2 - minutes{30}},
      {"no shutdown, no warning",
       std::nullopt,
       sent({60}, t),
       t - minutes{10},
       std::nullopt,
       {60},
       std::nullopt},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    const auto d = decide_warning(offsets, r.shutdown, r.notified, r.now);
    ASSERT_EQ(d.send.has_value(), r.send.has_value());
    if (d.send) {
      EXPECT_EQ(d.send->count(), *r.send);
    }
    EXPECT_EQ(d.record.sent, r.sent_after);
    if (r.shutdown) {
      EXPECT_EQ(d.record.shutdown, r.shutdown);
    }
    ASSERT_EQ(d.wake_at.has_value(), r.wake.has_value());
    if (d.wake_at) {
      EXPECT_EQ(iso(*d.wake_at), iso(*r.wake));
    }
  }
}

TEST(DecideWarning, AFullEveningSendsEachOffsetOnce) {
  // Poll every minute from 17:00 to 18:10 UTC: exactly three warnings, 60, 30 and 15.
  const std::vector<minutes> offsets{minutes{60}, minutes{30}, minutes{15}};
  const auto t = utc(2026, 11, 27, 18, 0);
  notified_record record;
  std::vector<int> messages;
  for (auto now = t - minutes{70}; now <= t + minutes{10}; now += minutes{1}) {
    const auto d = decide_warning(offsets, t, record, now);
    if (d.send) messages.push_back(static_cast<int>(d.send->count()));
    record = d.record;
  }
  EXPECT_EQ(messages, (std::vector<int>{60, 30, 15}));
}

TEST(NotifiedAnnotation, RoundTripAndExactForm) {
  const notified_record r{utc(2026, 11, 27, 18, 0), {60, 30}};
  EXPECT_EQ(to_annotation(r), R"({"for":"2026-11-27T18:00:00Z","sent":[60,30]})");
  EXPECT_EQ(parse_notified(to_annotation(r)), r);
  const notified_record empty_sent{utc(2026, 11, 27, 18, 0), {}};
  EXPECT_EQ(parse_notified(to_annotation(empty_sent)), empty_sent);
}

TEST(NotifiedAnnotation, GarbageIsEmpty) {
  const char* garbage[] = {"",
                           "{",
                           "null",
                           "[]",
                           "42",
                           R"({"for":5,"sent":[60]})",
                           R"({"for":"yesterday","sent":[60]})",
                           R"({"sent":[60]})",
                           "\xff\xfe{\"for\"",
                           R"({"for":"2026-11-27T18:00:00Z","sent":[60]} trailing)"};
  for (const char* text : garbage) EXPECT_EQ(parse_notified(text), notified_record{}) << text;
  // Bad items inside "sent" are skipped, the rest is kept.
  const auto partial =
      parse_notified(R"({"for":"2026-11-27T18:00:00Z","sent":[60,"x",-5,30.5,null,15,99999]})");
  EXPECT_EQ(partial, (notified_record{utc(2026, 11, 27, 18, 0), {60, 15}}));
  const auto not_array = parse_notified(R"({"for":"2026-11-27T18:00:00Z","sent":"60"})");
  EXPECT_EQ(not_array, (notified_record{utc(2026, 11, 27, 18, 0), {}}));
  // A hand-written fraction is the same T (whole seconds, as written back), so it starts no new series.
  const auto fraction = parse_notified(R"({"for":"2026-11-27T18:00:00.3Z","sent":[60]})");
  EXPECT_EQ(fraction, (notified_record{utc(2026, 11, 27, 18, 0), {60}}));
  EXPECT_EQ(parse_notified(to_annotation(fraction)), fraction);
}

}  // namespace
}  // namespace devenv::schedule
