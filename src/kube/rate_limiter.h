// Client-side token bucket, like client-go's QPS/burst: up to `burst` calls at once, then `qps` per second.
// reserve() is pure arithmetic on the time passed in (a reservation may drive the bucket negative: later
// callers queue behind it); acquire() blocks using an injected clock and sleep. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

namespace devenv::kube {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  // qps <= 0 disables limiting. burst < 1 is treated as 1. The bucket starts full at `start`.
  rate_limiter(double qps, int burst, clock::time_point start);

  // Takes one token and returns how long the caller must wait before using it (zero when available now).
  clock::duration reserve(clock::time_point now);

  // reserve(now()) then sleep for the returned wait.
  void acquire(const std::function<clock::time_point()>& now,
               const std::function<void(clock::duration)>& sleep);

  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  double qps_;
  int burst_;
  std::mutex mutex_;
  double tokens_;
  clock::time_point last_;
};

}  // namespace devenv::kube
