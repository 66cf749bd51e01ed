// The pure decisions of leader election with a Lease, with client-go's semantics: a candidate may take the
// Lease when nobody holds it or when it has seen the same record (same resourceVersion) unchanged for the
// record's own leaseDurationSeconds — measured on the candidate's clock from when it first observed that
// record, never against the holder's renewTime, so clock skew between replicas does not matter. The holder
// renews; a leader that has not renewed within renew_deadline (< lease_duration) must stop leading before
// any other candidate can consider the Lease expired. Every write carries the resourceVersion it was decided
// on, so of two candidates deciding on the same record only one write succeeds (the other gets 409).
// Pure functions of (record, observation, identity, now); thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "lease/lease_record.h"

namespace devenv::lease {

struct election_timing {
  std::chrono::seconds lease_duration{15};           // written as leaseDurationSeconds
  std::chrono::milliseconds renew_deadline{10'000};  // a leader steps down when it has not renewed this long
  std::chrono::milliseconds retry_period{2'000};     // between attempts (acquire and renew)
};

// lease_duration > renew_deadline > retry_period > 0, lease_duration in whole seconds ≥ 1.
result<void> validate(const election_timing& timing);

// The last record a candidate saw and when it first saw that version (on its own clock).
struct observation {
  lease_record record;
  time_point observed_at;
};

// Folds a freshly read record into the previous observation: the observation time only moves when the
// record changed (another resourceVersion), which is what "seen unchanged for leaseDurationSeconds" means.
observation observe(const std::optional<observation>& previous, const lease_record& fetched, time_point now);

enum class attempt_action {
  create,    // no Lease exists: create it holding it
  acquire,   // free or expired: take it over (fenced by the observed resourceVersion)
  renew,     // we hold it: move renewTime
  stand_by,  // another holder's lease is still valid
};

struct attempt_decision {
  attempt_action action = attempt_action::stand_by;
  lease_record write;                 // create/acquire/renew: the record to write (resource_version = fence)
  std::string holder;                 // stand_by: who holds it
  std::optional<time_point> expires;  // stand_by: when this candidate may try to take it over
};

// One election attempt. `current` is the observed Lease (none: it does not exist), `me` the candidate's
// identity, `timing.lease_duration` what a new or renewed record announces.
attempt_decision decide_attempt(const std::optional<observation>& current, std::string_view me,
                                const election_timing& timing, time_point now);

// Whether a leader must stop leading, `since_renew` after its last successful renewal began (measured on a
// monotonic clock by the caller: a wall-clock step must not stretch a leadership).
bool must_step_down(std::chrono::nanoseconds since_renew, const election_timing& timing);

// The record that releases the Lease on graceful shutdown (ReleaseOnCancel): no holder, a 1 s duration, so
// a standby takes it at its next attempt. Fenced by `held`'s resourceVersion: if someone else has written
// since, the release fails with a conflict and changes nothing.
lease_record release_record(const lease_record& held, time_point now);

std::string_view to_string(attempt_action action);

}  // namespace devenv::lease
