// The pure election decisions: when a candidate creates, acquires, renews or stands by; when a leader must
// step down; what a release writes; how observations age.
#include "lease/election_decision.h"

#include <gtest/gtest.h>

namespace devenv::lease {
namespace {

using namespace std::chrono_literals;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h;

lease_record held_by(std::string holder, std::string version = "7", int transitions = 3,
                     std::chrono::seconds duration = 15s) {
  lease_record r;
  r.holder_identity = std::move(holder);
  r.lease_duration = duration;
  r.acquire_time = t0 - 1h;
  r.renew_time = t0 - 1s;
  r.lease_transitions = transitions;
  r.resource_version = std::move(version);
  return r;
}

struct attempt_case {
  const char* name;
  std::optional<observation> current;
  std::chrono::milliseconds elapsed;  // now - t0
  attempt_action action;
  std::string holder_after;  // the written holder (create/acquire/renew) or the standing holder
  int transitions_after;     // of the written record (ignored for stand_by)
};

TEST(ElectionDecision, AttemptTable) {
  const election_timing timing;  // 15 s / 10 s / 2 s
  const std::vector<attempt_case> cases = {
      {"no lease: create it", std::nullopt, 0ms, attempt_action::create, "me", 0},
      {"free (released): acquire at once", observation{held_by("", "7", 3, 1s), t0}, 0ms,
       attempt_action::acquire, "me", 4},
      {"held by other, just observed", observation{held_by("other"), t0}, 0ms, attempt_action::stand_by,
       "other", 0},
      {"held by other, 1 ms before expiry", observation{held_by("other"), t0}, 14'999ms,
       attempt_action::stand_by, "other", 0},
      {"held by other, expired exactly now", observation{held_by("other"), t0}, 15'000ms,
       attempt_action::acquire, "me", 4},
      {"held by other with a short duration", observation{held_by("other", "7", 3, 2s), t0}, 2'000ms,
       attempt_action::acquire, "me", 4},
      {"held by me: renew, transitions kept", observation{held_by("me"), t0}, 20'000ms, attempt_action::renew,
       "me", 3},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto now = t0 + c.elapsed;
    const auto d = decide_attempt(c.current, "me", timing, now);
    EXPECT_EQ(to_string(d.action), to_string(c.action));
    if (c.action == attempt_action::stand_by) {
      EXPECT_EQ(d.holder, c.holder_after);
      ASSERT_TRUE(d.expires.has_value());
      EXPECT_EQ(*d.expires, c.current->observed_at + c.current->record.lease_duration);
      continue;
    }
    EXPECT_EQ(d.write.holder_identity, c.holder_after);
    EXPECT_EQ(d.write.lease_transitions, c.transitions_after);
    EXPECT_EQ(d.write.lease_duration, 15s);
    EXPECT_EQ(d.write.renew_time, now);
    // The write is fenced by the resourceVersion it was decided on.
    EXPECT_EQ(d.write.resource_version, c.current ? c.current->record.resource_version : "");
    if (c.action == attempt_action::renew) {
      EXPECT_EQ(d.write.acquire_time, c.current->record.acquire_time);  // a renewal is not a new term
    } else {
      EXPECT_EQ(d.write.acquire_time, now);
    }
  }
}

TEST(ElectionDecision, ExpiryCountsFromObservationNotFromTheHoldersClock) {
  // The holder's clock is an hour behind: its renewTime looks ancient, yet the lease was renewed just now.
  auto record = held_by("other");
  record.renew_time = t0 - 1h;
  const auto obs = observe(std::nullopt, record, t0);
  EXPECT_EQ(decide_attempt(obs, "me", {}, t0 + 1s).action, attempt_action::stand_by);
}

TEST(ElectionDecision, ObservationAgesOnlyWhileTheRecordIsUnchanged) {
  const auto first = observe(std::nullopt, held_by("other", "7"), t0);
  EXPECT_EQ(first.observed_at, t0);
  const auto same = observe(first, held_by("other", "7"), t0 + 10s);
  EXPECT_EQ(same.observed_at, t0);  // unchanged: keeps aging
  const auto renewed = observe(same, held_by("other", "8"), t0 + 12s);
  EXPECT_EQ(renewed.observed_at, t0 + 12s);  // a renewal restarts the clock
  EXPECT_EQ(decide_attempt(same, "me", {}, t0 + 15s).action, attempt_action::acquire);
  EXPECT_EQ(decide_attempt(renewed, "me", {}, t0 + 15s).action, attempt_action::stand_by);
}

TEST(ElectionDecision, StepDownAtTheRenewDeadlineBeforeAnyoneSeesExpiry) {
  const election_timing timing;
  const auto last_renew = t0;
  EXPECT_FALSE(must_step_down(9'999ms, timing));
  EXPECT_TRUE(must_step_down(10s, timing));
  // A standby observed that renewal no earlier than it was written: it may take over only from t0 + 15 s.
  const auto standby_view = observe(std::nullopt, held_by("leader"), last_renew);
  EXPECT_EQ(decide_attempt(standby_view, "standby", timing, t0 + 10s).action, attempt_action::stand_by);
  EXPECT_EQ(decide_attempt(standby_view, "standby", timing, t0 + 15s).action, attempt_action::acquire);
}

TEST(ElectionDecision, ReleaseClearsTheHolderAndShortensTheDuration) {
  const auto released = release_record(held_by("me", "9", 5), t0);
  EXPECT_EQ(released.holder_identity, "");
  EXPECT_EQ(released.lease_duration, 1s);
  EXPECT_EQ(released.renew_time, t0);
  EXPECT_EQ(released.lease_transitions, 5);
  EXPECT_EQ(released.resource_version, "9");  // fenced: fails if anyone wrote since
  // A standby that sees the release takes the lease at its next attempt.
  EXPECT_EQ(decide_attempt(observe(std::nullopt, released, t0), "standby", {}, t0).action,
            attempt_action::acquire);
}

TEST(ElectionDecision, TimingValidation) {
  struct timing_case {
    election_timing timing;
    bool ok;
  };
  const std::vector<timing_case> cases = {
      {{15s, 10'000ms, 2'000ms}, true}, {{2s, 1'000ms, 200ms}, true}, {{10s, 10'000ms, 2'000ms}, false},
      {{15s, 2'000ms, 2'000ms}, false}, {{0s, 0ms, 0ms}, false},      {{15s, 10'000ms, 0ms}, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(validate(c.timing).has_value(), c.ok)
        << c.timing.lease_duration.count() << " " << c.timing.renew_deadline.count();
  }
}

}  // namespace
}  // namespace devenv::lease
