// The project's one outbound HTTP client, a thin wrapper over libcurl used by the Kubernetes, Slack Web API
// and AWS clients. One request in, one response (or a devenv::error) out; no retries here — callers own their
// retry policy because only they know which requests are safe to repeat.
//
// Thread-safety: a curl_client may be shared by any number of threads. It keeps a pool of idle libcurl easy
// handles; each handle keeps its connection cache, so sequential requests to the same peer reuse TLS
// connections. A request never shares a handle with another request in flight.
//
// Secrets: request headers, bodies and TLS key material are never logged or copied into error messages;
// errors name the method and the URL without its query string.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "http/message.h"

namespace devenv::http {

// Server verification and client identity. Files and PEM data are alternatives; data wins when both are set.
struct client_tls_options {
  std::string ca_file;           // PEM bundle that replaces the system trust store when set
  std::string ca_pem;            // same, as PEM text
  std::string client_cert_file;  // client certificate (mutual TLS)
  std::string client_cert_pem;
  std::string client_key_file;  // its private key
  std::string client_key_pem;
  bool insecure_skip_verify = false;  // accept any server certificate and name (tests, dev clusters only)
};

struct client_request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given
  std::string body;
  // Whole-transfer deadline (connect + send + receive). Zero means none — only for streams that set
  // low_speed_* and a stop predicate instead.
  std::chrono::milliseconds timeout{30'000};
  std::chrono::milliseconds connect_timeout{10'000};
  // Abort when fewer than low_speed_bytes per second arrive for low_speed_time (dead watch connections).
  long low_speed_bytes = 0;
  std::chrono::seconds low_speed_time{0};
  client_tls_options tls;
  // Streaming: when set, bodies of 2xx responses are handed to on_body chunk by chunk instead of being
  // collected (non-2xx bodies are still collected into response.body so errors can be parsed). Returning
  // false ends the transfer; that is not an error.
  std::function<bool(std::string_view chunk)> on_body;
  // Polled about once a second and on every chunk; returning true ends the transfer early (not an error).
  std::function<bool()> should_stop;
};

struct client_response {
  long status = 0;
  header_map headers;  // names lower-cased
  std::string body;
  bool stopped_early = false;  // on_body returned false or should_stop returned true

  // First value of a header (lower-case name), or "" when absent.
  std::string_view header(std::string_view lower_name) const;
};

struct curl_client_options {
  std::string user_agent = "devenv-scaler";
  std::size_t max_idle_handles = 16;  // handles beyond this are closed after use
};

class curl_client {
 public:
  explicit curl_client(curl_client_options options = {});
  ~curl_client();
  curl_client(const curl_client&) = delete;
  curl_client& operator=(const curl_client&) = delete;

  // Performs one request. Any HTTP status is a successful result; errors are transport failures:
  // errc::timeout when a deadline or the low-speed limit hit, errc::unavailable for everything else
  // (DNS, refused, reset, TLS), errc::invalid_argument for a malformed request (bad URL, unreadable PEM).
  // error.message starts with "connect:" when the failure happened before anything was sent (so any method
  // may be retried safely).
  result<client_response> perform(const client_request& request) const;

  std::size_t idle_handles() const;

 private:
  struct pool;
  curl_client_options options_;
  std::unique_ptr<pool> pool_;
};

}  // namespace devenv::http
