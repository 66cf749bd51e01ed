// Sends SigV4-signed requests to one AWS service endpoint through http::curl_client, with a timeout on every
// attempt and retries with jittered exponential backoff on throttling, 5xx and transport failures.
// Every AWS action we call is safe to repeat (reads, and Start/Stop which are idempotent state requests).
// A 2xx answer is the result; anything else ends as an api_error parsed from the last answer's body.
//
// Thread-safety: send()/query() may be called from several threads; the clock, sleep and random functions
// must then be thread-safe too (the defaults are).
//
// Secrets: credentials are read from the provider per attempt and never logged; errors carry the AWS code,
// message and request id only.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/api_error.h"
#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "aws/sigv4.h"
#include "http/curl_client.h"

namespace devenv::aws {

using clock_fn = std::function<time_point()>;
using query_params = std::vector<std::pair<std::string, std::string>>;

struct aws_request {
  std::string method = "POST";
  std::string path = "/";  // appended to the endpoint's base path; percent-encoded as sent
  query_params query;      // decoded
  header_list headers;     // e.g. content-type, x-amz-target
  std::string body;
};

struct aws_response {
  long status = 0;
  http::header_map headers;  // lower-case names
  std::string body;
  int attempts = 1;  // how many requests were sent
};

struct signed_client_options {
  std::chrono::milliseconds timeout{10'000};  // per attempt, connect + send + receive
  std::chrono::milliseconds connect_timeout{3'000};
  int max_attempts = 4;  // including the first; 1 disables retries
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5'000};
  http::client_tls_options tls;
};

// Injected effects, so tests decide time, waiting and randomness. Unset members get real ones
// (system clock, std::this_thread::sleep_for, a per-thread PRNG).
struct signed_client_effects {
  clock_fn now;
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<double()> random01;  // uniform in [0, 1)
};

// Delay before attempt `attempt + 1` after `attempt` failures (1-based): uniform in [d/2, d],
// d = initial * 2^(attempt-1) capped at max_backoff. Pure.
std::chrono::milliseconds backoff_delay(const signed_client_options& options, int attempt, double random01);

// Whether a failed attempt should be repeated: transport failures and timeouts, 5xx, 429, throttling codes.
bool is_retryable(const api_error& error);

class signed_client {
 public:
  signed_client(const http::curl_client& http, std::shared_ptr<credentials_provider> credentials,
                service_endpoint endpoint, signed_client_options options = {},
                signed_client_effects effects = {});

  aws_result<aws_response> send(const aws_request& request) const;

  // Query protocol: POST of Action, Version and `params` form-encoded; returns the XML body of a 2xx answer.
  aws_result<std::string> query(std::string_view action, std::string_view version,
                                const query_params& params) const;

  const service_endpoint& endpoint() const { return endpoint_; }

 private:
  const http::curl_client& http_;
  std::shared_ptr<credentials_provider> credentials_;
  service_endpoint endpoint_;
  signed_client_options options_;
  signed_client_effects effects_;
  std::string scheme_host_;  // "https://ec2.eu-west-1.amazonaws.com"
  std::string host_header_;  // "ec2.eu-west-1.amazonaws.com"
  std::string base_path_;    // "" or "/prefix"
};

}  // namespace devenv::aws
