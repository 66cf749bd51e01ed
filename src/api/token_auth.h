// Bearer-token authentication and authorisation for the REST API. Each token has a name (shown as the actor
// in audit records, never the token itself), the environments it may act on (globs) and the actions it may
// perform. Tokens are compared by their SHA-256 in constant time. Immutable after loading; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace devenv::api {

struct principal {
  std::string name;                               // "ci", "cronjob:dev1", ...
  std::vector<std::string> environments = {"*"};  // globs
  std::vector<std::string> actions = {"*"};       // "stop", "start", "prolong", ... or "*"
};

class token_authenticator {
 public:
  // Parses "name:token,name2:token2" (full access each).
  static result<token_authenticator> from_list(std::string_view list);
  // Parses YAML: tokens: [{name, token, environments: [globs], actions: [..]}].
  static result<token_authenticator> from_yaml(std::string_view yaml_text);
  void merge(const token_authenticator& other);

  // errc::unauthorized for a missing, malformed or unknown token. The header is the raw Authorization value.
  result<principal> authenticate(std::string_view authorization_header) const;
  // errc::forbidden when the principal may not do `action` on `environment`.
  static result<void> authorize(const principal& who, std::string_view action, std::string_view environment);

  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    std::string digest;  // SHA-256 of the token
    principal who;
  };
  std::vector<entry> entries_;
};

std::string sha256(std::string_view data);

}  // namespace devenv::api
