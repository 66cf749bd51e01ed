#include "kube/retry_policy.h"

#include <gtest/gtest.h>

namespace devenv::kube {
namespace {

using namespace std::chrono_literals;
using kind = attempt_outcome::kind;

struct retry_case {
  std::string name;
  int attempt;
  attempt_outcome outcome;
  bool idempotent;
  double random01;
  std::optional<std::chrono::milliseconds> expected;
};

TEST(RetryPolicy, Table) {
  retry_options options;  // 5 attempts, 200 ms initial, 10 s cap, Retry-After up to 60 s
  std::vector<retry_case> cases = {
      {"503 first failure, no jitter", 1, {kind::response, 503, {}}, true, 1.0, 200ms},
      {"503 first failure, full jitter halves", 1, {kind::response, 503, {}}, true, 0.0, 100ms},
      {"500 third failure doubles twice", 3, {kind::response, 500, {}}, true, 1.0, 800ms},
      {"502 and 504 retried", 1, {kind::response, 504, {}}, true, 1.0, 200ms},
      {"501 not implemented is final", 1, {kind::response, 501, {}}, true, 1.0, std::nullopt},
      {"429 honours Retry-After exactly", 1, {kind::response, 429, 7s}, true, 0.3, 7000ms},
      {"503 honours Retry-After", 2, {kind::response, 503, 2s}, true, 0.3, 2000ms},
      {"Retry-After beyond the cap gives up", 1, {kind::response, 429, 61s}, true, 0.3, std::nullopt},
      {"429 without Retry-After backs off", 1, {kind::response, 429, {}}, true, 1.0, 200ms},
      {"404 never retried", 1, {kind::response, 404, {}}, true, 1.0, std::nullopt},
      {"409 never retried", 1, {kind::response, 409, {}}, true, 1.0, std::nullopt},
      {"connection reset retried when idempotent", 1, {kind::transport, 0, {}}, true, 1.0, 200ms},
      {"timeout retried when idempotent", 2, {kind::timeout, 0, {}}, true, 1.0, 400ms},
      {"max attempts reached", 5, {kind::response, 503, {}}, true, 1.0, std::nullopt},
      {"fourth failure doubles thrice", 4, {kind::response, 503, {}}, true, 1.0, 1600ms},
      {"POST: 429 retried", 1, {kind::response, 429, 1s}, false, 0.5, 1000ms},
      {"POST: 503 retried", 1, {kind::response, 503, {}}, false, 1.0, 200ms},
      {"POST: 500 may have applied", 1, {kind::response, 500, {}}, false, 1.0, std::nullopt},
      {"POST: reset may have applied", 1, {kind::transport, 0, {}}, false, 1.0, std::nullopt},
      {"POST: timeout may have applied", 1, {kind::timeout, 0, {}}, false, 1.0, std::nullopt},
      {"POST: connect failure sent nothing", 1, {kind::connect_failed, 0, {}}, false, 1.0, 200ms},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    EXPECT_EQ(retry_delay(options, tc.attempt, tc.outcome, tc.idempotent, tc.random01), tc.expected);
  }
}

TEST(RetryPolicy, CapAndJitterBounds) {
  retry_options options;
  options.max_attempts = 100;
  options.initial_backoff = 100ms;
  options.max_backoff = 1s;
  for (int attempt = 1; attempt < 60; ++attempt) {
    auto full = std::min<std::chrono::milliseconds>(100ms * (1LL << std::min(attempt - 1, 30)), 1s);
    for (double r : {0.0, 0.25, 0.5, 0.999}) {
      auto d = retry_delay(options, attempt, {kind::response, 503, {}}, true, r);
      ASSERT_TRUE(d);
      EXPECT_GE(*d, full / 2) << attempt << " " << r;
      EXPECT_LE(*d, full) << attempt << " " << r;
    }
  }
}

TEST(RetryPolicy, ParseRetryAfter) {
  EXPECT_EQ(parse_retry_after("3"), 3s);
  EXPECT_EQ(parse_retry_after(" 0 "), 0s);
  EXPECT_EQ(parse_retry_after(""), std::nullopt);
  EXPECT_EQ(parse_retry_after("-1"), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
}

}  // namespace
}  // namespace devenv::kube
