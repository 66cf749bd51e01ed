// Who a bearer token belongs to: static tokens (--token, --token-file in kube-apiserver's CSV format) and
// service-account tokens issued through the TokenRequest API (serviceaccounts/<name>/token), with
// audiences and expiry. Answers TokenReviews. Time comes in as a parameter. Not thread-safe: the server
// uses it from its one thread.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/api_error.h"

namespace kubesim {

struct user_info {
  std::string username;
  std::string uid;
  std::vector<std::string> groups;

  bool in_group(std::string_view group) const;
  nlohmann::json to_json() const;  // {"username","uid","groups"} as in TokenReview status.user
};

struct static_token {
  std::string token;
  user_info user;
};

// Parses kube-apiserver's --token-file: `token,user,uid[,"group1,group2"]` per line; blank lines and
// lines starting with '#' are skipped. An error names the first bad line.
result<std::vector<static_token>> parse_token_file(std::string_view text);

class authenticator {
 public:
  using time_point = std::chrono::system_clock::time_point;

  void add_static(static_token token);

  // Mints a service-account token for system:serviceaccount:<ns>:<name>; empty audiences mean the
  // API server's own audience.
  std::string issue_service_account_token(std::string_view ns, std::string_view name, std::string_view uid,
                                          std::vector<std::string> audiences, time_point expires);

  // The user of a token valid at `now`; when `audiences` is non-empty the token must be meant for one of
  // them (service-account tokens; static tokens are valid for every audience). Returns the audiences the
  // token matched in `matched` (kube-apiserver echoes them in TokenReview status.audiences).
  std::optional<user_info> authenticate(std::string_view token, time_point now,
                                        const std::vector<std::string>& audiences = {},
                                        std::vector<std::string>* matched = nullptr) const;

  // A TokenReview body in, the same object with status filled out.
  result<nlohmann::json> review(const nlohmann::json& token_review, time_point now) const;

  // The audience of tokens minted without one, as kube-apiserver's --api-audiences.
  static constexpr std::string_view default_audience = "https://kubernetes.default.svc.cluster.local";

 private:
  struct issued {
    user_info user;
    std::vector<std::string> audiences;
    time_point expires;
  };
  std::map<std::string, user_info, std::less<>> static_;
  std::map<std::string, issued, std::less<>> issued_;
};

// A random URL-safe token of `bytes` random bytes (OpenSSL's CSPRNG).
std::string random_token(std::size_t bytes = 24);

}  // namespace kubesim
