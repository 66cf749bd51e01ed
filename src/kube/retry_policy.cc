#include "kube/retry_policy.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>

namespace devenv::kube {
namespace {

bool retriable_status(int status) {
  return status == 429 || (status >= 500 && status <= 599 && status != 501);
}

bool retriable(const attempt_outcome& outcome, bool idempotent) {
  using kind = attempt_outcome::kind;
  switch (outcome.what) {
    case kind::response:
      if (idempotent) return retriable_status(outcome.http_status);
      return outcome.http_status == 429 || outcome.http_status == 503;
    case kind::connect_failed:
      return true;
    case kind::transport:
    case kind::timeout:
      return idempotent;
  }
  return false;
}

}  // namespace

std::optional<std::chrono::milliseconds> retry_delay(const retry_options& options, int attempt,
                                                     const attempt_outcome& outcome, bool idempotent,
                                                     double random01) {
  if (attempt >= options.max_attempts || !retriable(outcome, idempotent)) return std::nullopt;
  if (outcome.what == attempt_outcome::kind::response && outcome.retry_after) {
    if (*outcome.retry_after > options.max_retry_after) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(*outcome.retry_after);
  }
  // Doubling from initial_backoff; the shift is bounded so it cannot overflow for large attempt numbers.
  auto base = options.initial_backoff * (std::int64_t{1} << std::min(attempt - 1, 30));
  auto capped = std::min<std::chrono::milliseconds>(base, options.max_backoff);
  double r = std::clamp(random01, 0.0, 1.0);
  auto jittered = std::chrono::milliseconds(static_cast<std::int64_t>(capped.count() * (0.5 + 0.5 * r)));
  return jittered;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end != value.data() + value.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

}  // namespace devenv::kube
