// The Kubernetes REST client: GET, LIST (selectors, pagination), CREATE, merge PATCH with resourceVersion
// preconditions, DELETE and WATCH, returning JSON objects or typed errors (see api_error.h). Every call
// passes the client-side rate limiter, is retried per retry_policy.h, and has a per-attempt timeout.
//
// Thread-safety: one client is shared by all worker threads; every method may be called concurrently.
// Time and randomness are injected (client_options) so that tests run without real sleeps.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/curl_client.h"
#include "kube/config.h"
#include "kube/rate_limiter.h"
#include "kube/retry_policy.h"
#include "kube/token_source.h"

namespace devenv::kube {

using json = nlohmann::json;

// Observes every HTTP attempt for metrics: verb (GET, LIST, CREATE, PATCH, DELETE, WATCH), the HTTP status
// (0 when no response arrived) and the attempt's duration.
using call_observer = std::function<void(std::string_view verb, int http_status, std::chrono::nanoseconds)>;

struct client_options {
  std::chrono::milliseconds request_timeout{30'000};  // per attempt, for everything but watches
  std::chrono::milliseconds connect_timeout{5'000};
  double qps = 20;  // client-side rate limit (<= 0: unlimited)
  int burst = 40;
  retry_options retry;
  std::chrono::seconds watch_timeout{300};  // sent as timeoutSeconds; the server ends the watch after it
  std::chrono::seconds watch_idle_limit{
      90};  // no byte for this long (not even a bookmark): the connection is dead
  std::string field_manager = "devenv-scaler";
  call_observer observer;
  // Injected time and randomness; defaults are steady_clock, this_thread::sleep_for and a per-client PRNG.
  std::function<std::chrono::steady_clock::time_point()> now;
  std::function<void(std::chrono::steady_clock::duration)> sleep;
  std::function<double()> random01;
};

struct list_options {
  std::string label_selector;
  std::string field_selector;
  int limit = 0;               // 0: no limit (server default)
  std::string continue_token;  // from a previous page's metadata.continue
  std::string resource_version;
};

struct watch_event {
  std::string type;  // ADDED, MODIFIED, DELETED (BOOKMARK and ERROR are handled by the client)
  json object;
};

struct watch_options {
  std::string resource_version;  // start after this version (from a list); empty: "most recent"
  std::string label_selector;
  std::string field_selector;
};

// Why a watch call returned without an error.
struct watch_end {
  enum class reason {
    stopped,  // the stop flag was raised
    closed,   // the server ended the stream (timeoutSeconds) or the connection went idle: watch again
    expired,  // 410 Gone: resource_version is too old; relist
  };
  reason why = reason::closed;
  std::string resource_version;  // the last version seen (events and bookmarks): where to resume
};

class client {
 public:
  // `http` may be shared with other API clients; nullptr creates a private one.
  client(connection_config config, client_options options = {},
         std::shared_ptr<http::curl_client> http = nullptr);

  result<json> get(std::string_view path);
  // One page. The result is the List object (items, metadata.continue, metadata.resourceVersion).
  result<json> list(std::string_view path, const list_options& options = {});
  // Every page, following continue tokens; restarts from the first page when a token expires (410). The
  // result is one List object holding all items and the resourceVersion of the last page.
  result<json> list_all(std::string_view path, list_options options = {});
  result<json> create(std::string_view path, const json& object);
  // A JSON merge patch (application/merge-patch+json) with fieldManager. When resource_version is given it is
  // written into metadata.resourceVersion, so the server rejects the patch with 409 (errc::conflict) if the
  // object changed since it was read.
  result<json> merge_patch(std::string_view path, json patch,
                           std::optional<std::string> resource_version = {});
  // Deletes with background propagation. Returns the server's answer (the object or a Status).
  result<json> remove(std::string_view path);

  // Streams events of a collection until the server ends the watch, the connection idles out, the version
  // expires or `stop` becomes true. Errors (4xx/5xx other than 410, transport) come back as errors after the
  // usual retries of the initial request.
  result<watch_end> watch(std::string_view path, const watch_options& options,
                          const std::function<void(const watch_event&)>& on_event,
                          const std::atomic<bool>& stop);

  const connection_config& config() const { return config_; }

 private:
  // One HTTP exchange: rate limit, token, perform, observe. No retries.
  result<http::client_response> attempt(std::string_view verb, http::client_request& request);
  // attempt() repeated per the retry policy; a non-2xx answer that is not retried is a successful result.
  result<http::client_response> execute(std::string_view verb, http::client_request request, bool idempotent);
  http::client_request make_request(std::string method, std::string_view path,
                                    const std::string& query) const;
  result<json> json_call(std::string_view verb, const std::string& method, std::string_view path,
                         const std::string& query, std::string body, std::string content_type,
                         bool idempotent);

  connection_config config_;
  client_options options_;
  std::shared_ptr<http::curl_client> http_;
  http::client_tls_options tls_;
  token_source token_;
  std::unique_ptr<rate_limiter> limiter_;
};

}  // namespace devenv::kube
