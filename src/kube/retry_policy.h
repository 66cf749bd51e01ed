// When to repeat a failed Kubernetes API call and how long to wait first. Pure: the attempt number, the
// outcome and a random number in [0,1) come in; a delay or "give up" comes out. Thread-safe (no state).
//
// Retried: 429 and 5xx answers (except 501), transport failures and timeouts — with jittered exponential
// backoff (delay drawn uniformly from [d/2, d], d = initial * 2^(attempt-1) capped at max_backoff), or
// exactly the server's Retry-After when it sent one (giving up when that exceeds max_retry_after).
//
// Non-idempotent calls (POST create) are retried only when the server cannot have applied them: 429
// (throttled before processing), 503 (apiserver overloaded / not ready) and connection failures before the
// request was sent. After a reset or timeout mid-request a create may have succeeded, so it is not repeated;
// the caller sees the error and re-reads. PATCH (a merge patch is idempotent; with a resourceVersion
// precondition a repeat is a 409), GET and DELETE (a repeat is a 404) are treated as idempotent.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace devenv::kube {

struct retry_options {
  int max_attempts = 5;  // including the first; 1 disables retries
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{10'000};
  std::chrono::seconds max_retry_after{60};
};

struct attempt_outcome {
  enum class kind {
    response,        // the server answered with http_status
    connect_failed,  // nothing was sent (DNS, refused, TLS handshake): safe to repeat anything
    transport,       // the connection broke after the request may have been sent
    timeout,         // the per-attempt deadline passed
  };
  kind what = kind::response;
  int http_status = 0;
  std::optional<std::chrono::seconds> retry_after;  // parsed Retry-After header, if any
};

// attempt: 1 for the first failure, 2 for the second, ... random01 in [0, 1).
// Returns the delay before the next attempt, or nullopt to give up and report the outcome.
std::optional<std::chrono::milliseconds> retry_delay(const retry_options& options, int attempt,
                                                     const attempt_outcome& outcome, bool idempotent,
                                                     double random01);

// Retry-After as delta-seconds (the only form Kubernetes and Slack send); nullopt for dates or garbage.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value);

}  // namespace devenv::kube
