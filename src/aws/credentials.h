// AWS credentials and the interface that supplies them. A provider answers get(now) with credentials that are
// valid at `now` (time is a parameter: providers never read the clock); temporary credentials carry their
// expiration so callers and caches can refresh before it.
//
// Thread-safety: credentials is a plain value. Implementations of credentials_provider declared in this
// module are safe to call from several threads at once.
//
// Secrets: secret_access_key and session_token are never logged; describe() names only the key id's prefix.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"

namespace devenv::aws {

using time_point = std::chrono::system_clock::time_point;

struct credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;             // empty for long-term keys
  std::optional<time_point> expiration;  // absent: never expires
  std::string source;                    // which provider produced them ("environment", "web-identity", ...)

  // True when the credentials will still be valid `margin` after `now`.
  bool valid_at(time_point now, std::chrono::seconds margin = std::chrono::seconds(0)) const {
    return !access_key_id.empty() && (!expiration || *expiration > now + margin);
  }
};

class credentials_provider {
 public:
  virtual ~credentials_provider() = default;
  // Credentials valid at `now`, or why there are none (errc::unauthorized when this source is not
  // configured, errc::unavailable when it is configured but failed).
  virtual result<credentials> get(time_point now) = 0;
};

// Always answers the same credentials (tests, and keys given explicitly in configuration).
class static_credentials_provider final : public credentials_provider {
 public:
  explicit static_credentials_provider(credentials creds) : creds_(std::move(creds)) {}
  result<credentials> get(time_point) override { return creds_; }

 private:
  credentials creds_;
};

}  // namespace devenv::aws
