// leader_elector: competes for one Lease (through lease_store) on a thread of its own and tells the process
// whether it leads. A candidate retries every retry_period (jittered to [0.75, 1] of it, so candidates do not
// move in lockstep yet a free Lease is taken within one period); the leader renews every retry_period. A
// leader that has not renewed for renew_deadline steps down — is_leader() turns false at that instant even
// if the thread is stuck in a slow call, and on_stopped_leading runs as soon as the thread is back — so it
// stops before any standby can consider the Lease expired (renew_deadline < lease_duration). Having stepped
// down that way, it sits out one lease_duration so a healthy standby takes over rather than the replica whose
// API calls were failing. On stop it first stops the leader-only work, then releases the Lease (no holder,
// 1 s duration) so a standby takes over at its next attempt instead of waiting for expiry.
//
// Thread-safety: is_leader() and leader() may be called from any thread (is_leader is lock-free, cheap
// enough for a metrics gauge); the callbacks run on the elector's thread, on_stopped_leading must return only
// once the leader-only work has stopped. Time, sleeping and randomness are injected for tests.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "lease/election_decision.h"
#include "lease/lease_store.h"

namespace devenv::lease {

struct elector_options {
  std::string identity;  // unique per replica (see election_settings.h resolve_identity)
  election_timing timing;
  bool release_on_cancel = true;
  // Wall clock: renewTime is written from it and other replicas' renewals are judged by it. Default:
  // system_clock.
  std::function<time_point()> now;
  // Monotonic clock for this replica's own renew deadline (is_leader(), stepping down), so that a wall-clock
  // step backwards cannot stretch a leadership. Called from any thread. Default: steady_clock; when only
  // `now` is given (tests), it follows `now`.
  std::function<std::chrono::steady_clock::time_point()> monotonic;
  // Waits up to `d`, returning early once `stop` is set. Default: sleeps in slices of at most 50 ms.
  std::function<void(std::chrono::milliseconds d, const std::atomic<bool>& stop)> sleep;
  std::function<double()> random01;  // in [0, 1); default: a per-elector PRNG
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
};

class leader_elector {
 public:
  leader_elector(lease_store& store, elector_options options);
  ~leader_elector();
  leader_elector(const leader_elector&) = delete;
  leader_elector& operator=(const leader_elector&) = delete;

  // Blocks until `stop`; on the way out stops leading and (release_on_cancel) releases the Lease.
  void run(const std::atomic<bool>& stop);
  // run() on a thread of the elector's own; stop() raises its flag and joins it (idempotent).
  void start();
  void stop();
  // Raises start()'s stop flag without waiting (safe from a signal handler's strand): the thread steps down
  // and releases on its own; stop() then only joins.
  void request_stop() { stop_ = true; }

  bool is_leader() const;
  // The holder last observed ("" when none or not yet read).
  std::string leader() const;
  const std::string& identity() const { return options_.identity; }

 private:
  enum class attempt_result { leading, standing_by, failed };
  attempt_result attempt(time_point now);
  void become_leader(std::chrono::steady_clock::time_point renewed_at);
  void step_down(const char* why);
  void release();
  void set_observed_leader(const std::string& holder);

  lease_store& store_;
  elector_options options_;
  std::atomic<bool> leading_{false};
  // is_leader() is false from this monotonic instant.
  std::atomic<std::chrono::steady_clock::rep> renew_deadline_at_{0};
  std::chrono::steady_clock::time_point last_renew_{};  // when the last successful renewal began; elector only
  std::optional<observation> observed_;                // elector thread only
  mutable std::mutex leader_mutex_;
  std::string leader_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace devenv::lease
