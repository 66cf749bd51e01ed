// One blocking HTTPS POST of an AdmissionReview to a webhook, with libcurl: the server certificate is
// verified against the webhook's caBundle (or the system trust store when it has none) and the whole call
// is bounded by the webhook's timeoutSeconds. Blocking: run it on a thread pool (see core/offload.h).
// Thread-safe: every call uses its own libcurl handle.
#pragma once

#include <chrono>
#include <string>
#include <tl/expected.hpp>

namespace kubesim {

struct webhook_call_request {
  std::string url;
  std::string resolve;  // optional curl "host:port:address" pin (service references)
  std::string ca_pem;   // empty: system trust store
  std::string body;
  std::chrono::milliseconds timeout{10'000};
};

struct webhook_call_response {
  long status = 0;
  std::string body;
};

// Errors are worded like Go's net/http ones the apiserver reports (`Post "url": ...`).
tl::expected<webhook_call_response, std::string> post_admission_review(const webhook_call_request& request);

}  // namespace kubesim
