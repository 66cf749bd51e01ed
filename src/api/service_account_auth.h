// service_account_authenticator: the second link of the REST API's authentication chain. A bearer token
// that is not one of our static tokens is checked with a Kubernetes TokenReview (audience `devenv-scaler`);
// an authenticated `system:serviceaccount:<ns>:devenv-shutdown` principal may only `stop` environment <ns>
// (the per-namespace shutdown CronJob's Job). Any other authenticated user is refused (403): service-account
// tokens are accepted for this one purpose only.
//
// Positive reviews are cached briefly (keyed by the token's SHA-256, bounded in size), so a burst of
// requests costs one TokenReview; negative ones are not, so a token that just became valid works at once.
// Thread-safety: authenticate() may be called concurrently (the cache has a mutex). It blocks on the
// TokenReview: call it from the worker pool.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/token_auth.h"
#include "core/error.h"

namespace devenv::api {

// POSTs a TokenReview object (authentication.k8s.io/v1) and returns the API server's answer. The lead wires
// it as `[&api](const json& r) { return api.create(kube::collection_path(kube::resource::tokenreviews), r);
// }`.
using token_review_call = std::function<result<nlohmann::json>(const nlohmann::json& review)>;

struct service_account_options {
  std::string audience = "devenv-scaler";
  std::string service_account = "devenv-shutdown";
  std::chrono::seconds cache_ttl{60};
  std::size_t max_cache_entries = 4096;
  std::function<std::chrono::system_clock::time_point()> now;  // injected wall clock
};

class service_account_authenticator {
 public:
  service_account_authenticator(token_review_call review, service_account_options options);

  // errc::unauthorized for a missing/malformed header or a token the API server does not accept;
  // errc::forbidden for an authenticated user that is not a shutdown service account;
  // errc::unavailable when the TokenReview itself failed.
  result<principal> authenticate(std::string_view authorization_header) const;

 private:
  struct cached {
    principal who;
    std::chrono::system_clock::time_point expires;
  };
  result<principal> review(const std::string& token) const;

  token_review_call review_;
  service_account_options options_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, cached> cache_;
};

// Static tokens first, then (when `service_accounts` is set and the static check said unauthorized) the
// TokenReview. Blocking.
result<principal> authenticate_chain(const token_authenticator* tokens,
                                     const service_account_authenticator* service_accounts,
                                     std::string_view authorization_header);

}  // namespace devenv::api
