#include "kube/rate_limiter.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace devenv::kube {
namespace {

using namespace std::chrono_literals;
using clock_type = rate_limiter::clock;

TEST(RateLimiter, BurstThenSteadyRate) {
  auto t0 = clock_type::time_point{} + 1h;
  rate_limiter limiter(10, 3, t0);  // 10 per second: one token per 100 ms
  struct step {
    clock_type::duration at;
    clock_type::duration expected_wait;
  };
  std::vector<step> steps = {
      {0ms, 0ms},    {0ms, 0ms},    {0ms, 0ms},  // the burst
      {0ms, 100ms},                              // queued behind the burst: next token in 100 ms
      {0ms, 200ms},                              // and the one after
      {1000ms, 0ms},                             // a second later the bucket refilled (capped at burst)
      {1000ms, 0ms}, {1000ms, 0ms}, {1000ms, 100ms},
  };
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE(i);
    auto wait = limiter.reserve(t0 + steps[i].at);
    using ms = std::chrono::duration<double, std::milli>;
    EXPECT_NEAR(ms(wait).count(), ms(steps[i].expected_wait).count(), 0.01);
  }
}

TEST(RateLimiter, BucketNeverExceedsBurstAfterLongIdle) {
  auto t0 = clock_type::time_point{} + 1h;
  rate_limiter limiter(1, 2, t0);
  auto later = t0 + 1h;
  EXPECT_EQ(limiter.reserve(later), 0ns);
  EXPECT_EQ(limiter.reserve(later), 0ns);
  EXPECT_EQ(limiter.reserve(later), clock_type::duration(1s));
}

TEST(RateLimiter, DisabledWhenQpsIsZero) {
  rate_limiter limiter(0, 1, clock_type::time_point{});
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.reserve(clock_type::time_point{}), 0ns);
}

TEST(RateLimiter, AcquireSleepsForTheReservedWait) {
  auto now = clock_type::time_point{} + 1h;
  rate_limiter limiter(2, 1, now);
  std::vector<clock_type::duration> slept;
  auto clock_fn = [&] { return now; };
  auto sleep_fn = [&](clock_type::duration d) {
    slept.push_back(d);
    now += d;
  };
  for (int i = 0; i < 3; ++i) limiter.acquire(clock_fn, sleep_fn);
  ASSERT_EQ(slept.size(), 2u);  // the first call used the burst token
  EXPECT_EQ(slept[0], clock_type::duration(500ms));
  EXPECT_EQ(slept[1], clock_type::duration(500ms));
}

TEST(RateLimiter, ConcurrentReservationsAreEachCountedOnce) {
  auto t0 = clock_type::time_point{} + 1h;
  rate_limiter limiter(100, 50, t0);
  std::vector<std::thread> threads;
  std::atomic<int> immediate{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i)
        if (limiter.reserve(t0) == 0ns) ++immediate;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(immediate.load(), 50);
  // 400 reservations at one instant, 50 free: the last queued one waits (400 - 50) / 100 qps = 3.5 s.
  EXPECT_NEAR(std::chrono::duration<double>(limiter.reserve(t0)).count(), 3.51, 1e-6);
}

}  // namespace
}  // namespace devenv::kube
