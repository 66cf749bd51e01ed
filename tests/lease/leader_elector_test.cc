// The elector over an in-memory store with the API server's fencing, a fake clock and a sleep that only
// advances that clock: acquiring, renewing, standing by, losing a race (409), stepping down at the renew
// deadline before the lease can expire, sitting out, and releasing on stop after the work stopped.
#include "lease/leader_elector.h"

#include <gtest/gtest.h>

#include "lease/fake_lease_store.h"

namespace devenv::lease {
namespace {

using namespace std::chrono_literals;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h;

// Runs an elector on the test thread: every sleep advances the fake clock, then calls `tick` (which may
// change the store or stop the run). Records leadership changes with their times.
struct harness {
  testing::fake_lease_store store;
  std::atomic<long long> elapsed_ms{0};
  std::atomic<bool> stop{false};
  std::function<void(leader_elector&)> tick;
  std::vector<std::pair<std::string, std::chrono::milliseconds>> events;
  std::vector<std::chrono::milliseconds> sleeps;

  // The wall clock can be stepped (NTP) by wall_step_ms; the monotonic clock only moves with elapsed_ms.
  std::atomic<long long> wall_step_ms{0};
  time_point now() const { return t0 + std::chrono::milliseconds(elapsed_ms.load() + wall_step_ms.load()); }
  std::chrono::steady_clock::time_point monotonic() const {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(elapsed_ms.load()));
  }
  std::chrono::milliseconds elapsed() const { return std::chrono::milliseconds(elapsed_ms.load()); }

  elector_options options(std::string identity) {
    elector_options o;
    o.identity = std::move(identity);
    o.now = [this] { return now(); };
    o.monotonic = [this] { return monotonic(); };
    o.random01 = [] { return 0.5; };
    o.on_started_leading = [this] { events.emplace_back("started", elapsed()); };
    o.on_stopped_leading = [this] {
      // The work stops while the lease is still held: nobody else can have started yet.
      events.emplace_back("stopped holder=" + (store.current() ? store.current()->holder_identity : "-"),
                          elapsed());
    };
    return o;
  }
};

// Builds an elector whose sleep advances the harness clock and calls tick.
std::unique_ptr<leader_elector> make_elector(harness& h, const std::string& identity) {
  auto o = h.options(identity);
  auto holder = std::make_shared<leader_elector*>(nullptr);
  o.sleep = [&h, holder](std::chrono::milliseconds d, const std::atomic<bool>&) {
    h.sleeps.push_back(d);
    h.elapsed_ms += d.count();
    if (h.tick) h.tick(**holder);
  };
  auto e = std::make_unique<leader_elector>(h.store, std::move(o));
  *holder = e.get();
  return e;
}

TEST(LeaderElector, CreatesTheLeaseRenewsEveryRetryPeriodAndReleasesOnStop) {
  harness h;
  auto e = make_elector(h, "me");
  std::vector<std::string> renew_times;
  h.tick = [&](leader_elector& el) {
    EXPECT_TRUE(el.is_leader());
    renew_times.push_back(format_micro_time(*h.store.current()->renew_time));
    if (h.elapsed() >= 10s) h.stop = true;
  };
  e->run(h.stop);
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[0].first, "started");
  EXPECT_EQ(h.events[0].second, 0ms);
  EXPECT_EQ(h.events[1].first, "stopped holder=me");  // work stopped before the release
  for (auto s : h.sleeps) EXPECT_EQ(s, 2s);           // a leader renews every retry period
  EXPECT_EQ(renew_times.front(), "2026-11-27T18:00:00.000000Z");
  EXPECT_EQ(renew_times.back(), "2026-11-27T18:00:08.000000Z");
  const auto released = h.store.current();
  ASSERT_TRUE(released.has_value());
  EXPECT_EQ(released->holder_identity, "");
  EXPECT_EQ(released->lease_duration, 1s);
  EXPECT_EQ(released->lease_transitions, 0);
  EXPECT_FALSE(e->is_leader());
}

TEST(LeaderElector, StandsByWhileAnotherHoldsTheLeaseAndTakesItOverAfterExpiry) {
  harness h;
  lease_record other{"other", 15s, t0 - 1h, t0, 2, ""};
  h.store.put(other);
  auto e = make_elector(h, "me");
  int writes_while_valid = -1;
  h.tick = [&](leader_elector& el) {
    if (h.elapsed() < 15s) {
      EXPECT_FALSE(el.is_leader());
      EXPECT_EQ(el.leader(), "other");
      writes_while_valid = h.store.updates;
    }
    if (el.is_leader()) h.stop = true;
  };
  e->run(h.stop);
  EXPECT_EQ(writes_while_valid, 0);  // a valid lease is only read
  ASSERT_FALSE(h.events.empty());
  EXPECT_EQ(h.events[0].first, "started");
  // Candidates retry at a jittered 0.875 × 2 s: the first attempt at or after expiry (15 s) wins.
  EXPECT_GE(h.events[0].second, 15s);
  EXPECT_LT(h.events[0].second, 15s + 2s);
  for (auto s : h.sleeps) EXPECT_LE(s, 2s);
}

TEST(LeaderElector, LosingTheRaceWithA409NeverLeads) {
  harness h;
  h.store.put({"", 1s, t0, t0, 5, ""});  // released: free for whoever writes first
  // Another candidate writes between our read and our write: our write carries a stale resourceVersion.
  bool raced = false;
  h.store.before_update = [&] {
    if (raced) return;
    raced = true;
    h.store.put({"rival", 15s, t0, t0, 6, ""});
  };
  auto e = make_elector(h, "me");
  int ticks = 0;
  h.tick = [&](leader_elector& el) {
    EXPECT_FALSE(el.is_leader());
    if (++ticks == 3) h.stop = true;
  };
  e->run(h.stop);
  EXPECT_TRUE(raced);
  EXPECT_TRUE(h.events.empty());
  EXPECT_EQ(h.store.current()->holder_identity, "rival");
  EXPECT_EQ(h.store.current()->lease_transitions, 6);
  EXPECT_EQ(e->leader(), "rival");
}

TEST(LeaderElector, StepsDownAtTheRenewDeadlineBeforeTheLeaseCanExpireThenSitsOut) {
  harness h;
  auto e = make_elector(h, "me");
  std::optional<std::chrono::milliseconds> leader_false_at;
  h.tick = [&](leader_elector& el) {
    if (h.elapsed() == 4s) h.store.fail_writes = true;  // renewals fail from here; the last one was at 2 s
    if (!leader_false_at && !el.is_leader()) leader_false_at = h.elapsed();
    if (h.elapsed() >= 20s) h.store.fail_writes = false;
    if (h.elapsed() >= 40s) h.stop = true;
  };
  e->run(h.stop);
  ASSERT_TRUE(leader_false_at.has_value());
  // Last successful renewal at 2 s: is_leader() is false from 2 s + renew_deadline (10 s) — before any
  // standby, having observed that renewal no earlier than 2 s, may take over (2 s + 15 s).
  EXPECT_EQ(*leader_false_at, 12s);
  ASSERT_GE(h.events.size(), 3u);
  EXPECT_EQ(h.events[0].first, "started");
  EXPECT_EQ(h.events[1].first, "stopped holder=me");
  EXPECT_EQ(h.events[1].second, 12s);  // the loop woke at the deadline, not a period later
  EXPECT_LT(h.events[1].second, 2s + 15s);
  // Writes work again from 20 s, but the replica sits out one lease duration (until 27 s).
  EXPECT_EQ(h.events[2].first, "started");
  EXPECT_GE(h.events[2].second, 27s);
  EXPECT_LT(h.events[2].second, 27s + 2s);
}

// The wall clock stepping back an hour while renewals fail must not stretch the leadership: the deadline is
// kept on the monotonic clock (a standby judges by its own clock and takes over at 2 s + 15 s).
TEST(LeaderElector, AWallClockStepBackDoesNotStretchTheRenewDeadline) {
  harness h;
  auto e = make_elector(h, "me");
  std::optional<std::chrono::milliseconds> leader_false_at;
  h.tick = [&](leader_elector& el) {
    if (h.elapsed() == 4s) {
      h.store.fail_writes = true;  // the last renewal was at 2 s
      h.wall_step_ms = -3'600'000;
    }
    if (!leader_false_at && !el.is_leader()) leader_false_at = h.elapsed();
    if (h.elapsed() >= 20s) h.stop = true;
  };
  e->run(h.stop);
  ASSERT_TRUE(leader_false_at.has_value());
  EXPECT_EQ(*leader_false_at, 12s);
  ASSERT_GE(h.events.size(), 2u);
  EXPECT_EQ(h.events[1].first, "stopped holder=me");
  EXPECT_EQ(h.events[1].second, 12s);
}

TEST(LeaderElector, StepsDownAtOnceWhenAnotherReplicaHoldsTheLease) {
  harness h;
  auto e = make_elector(h, "me");
  h.tick = [&](leader_elector& el) {
    if (h.elapsed() == 4s) h.store.put({"rival", 15s, t0, t0, 1, ""});
    if (h.elapsed() == 4s) {
      EXPECT_TRUE(el.is_leader());
    }
    if (h.elapsed() > 4s) {
      EXPECT_FALSE(el.is_leader());
      h.stop = true;
    }
  };
  e->run(h.stop);
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[1].first, "stopped holder=rival");
  EXPECT_EQ(h.events[1].second, 4s);
  EXPECT_EQ(h.store.current()->holder_identity, "rival");  // not released: it was not ours
}

TEST(LeaderElector, ReadFailuresAreRetriedWithoutLeading) {
  harness h;
  h.store.fail_reads = true;
  auto e = make_elector(h, "me");
  h.tick = [&](leader_elector& el) {
    if (h.elapsed() < 5s) {
      EXPECT_FALSE(el.is_leader());
    }
    if (h.elapsed() >= 5s) h.store.fail_reads = false;
    if (el.is_leader()) h.stop = true;
  };
  e->run(h.stop);
  EXPECT_GE(h.store.gets, 3);
  ASSERT_FALSE(h.events.empty());
  EXPECT_GE(h.events[0].second, 5s);
}

}  // namespace
}  // namespace devenv::lease
