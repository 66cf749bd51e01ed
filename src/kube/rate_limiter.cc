#include "kube/rate_limiter.h"

#include <algorithm>

namespace devenv::kube {

rate_limiter::rate_limiter(double qps, int burst, clock::time_point start)
    : qps_(qps), burst_(std::max(burst, 1)), tokens_(burst_), last_(start) {}

rate_limiter::clock::duration rate_limiter::reserve(clock::time_point now) {
  if (qps_ <= 0) return clock::duration::zero();
  std::lock_guard lock(mutex_);
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min<double>(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return clock::duration::zero();
  return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(-tokens_ / qps_));
}

void rate_limiter::acquire(const std::function<clock::time_point()>& now,
                           const std::function<void(clock::duration)>& sleep) {
  auto wait = reserve(now());
  if (wait > clock::duration::zero()) sleep(wait);
}

}  // namespace devenv::kube
