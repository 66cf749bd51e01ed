#include "api/service_account_auth.h"

#include <fmt/format.h>

#include <algorithm>

namespace devenv::api {

namespace {

constexpr std::string_view sa_prefix = "system:serviceaccount:";

std::optional<std::string> bearer_token(std::string_view header) {
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() <= scheme.size() ||
      !std::equal(scheme.begin(), scheme.end(), header.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return std::nullopt;
  }
  return std::string(header.substr(scheme.size()));
}

}  // namespace

service_account_authenticator::service_account_authenticator(token_review_call review,
                                                             service_account_options options)
    : review_(std::move(review)), options_(std::move(options)) {}

result<principal> service_account_authenticator::authenticate(std::string_view header) const {
  auto token = bearer_token(header);
  if (!token || token->empty())
    return fail(errc::unauthorized, "missing bearer token (Authorization: Bearer <token>)");
  const auto key = sha256(*token);
  const auto now = options_.now();
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(key); it != cache_.end()) {
      if (it->second.expires > now) return it->second.who;
      cache_.erase(it);
    }
  }
  auto who = review(*token);
  if (!who) return who;
  std::lock_guard lock(mutex_);
  if (cache_.size() >= options_.max_cache_entries) {
    std::erase_if(cache_, [&](const auto& entry) { return entry.second.expires <= now; });
    if (cache_.size() >= options_.max_cache_entries) cache_.clear();
  }
  cache_[key] = cached{*who, now + options_.cache_ttl};
  return who;
}

result<principal> service_account_authenticator::review(const std::string& token) const {
  const nlohmann::json request = {{"apiVersion", "authentication.k8s.io/v1"},
                                  {"kind", "TokenReview"},
                                  {"spec", {{"token", token}, {"audiences", {options_.audience}}}}};
  auto answer = review_(request);
  if (!answer) {
    return fail(errc::unavailable,
                "cannot check the token with the Kubernetes API: " + answer.error().message);
  }
  const auto status = answer->value("status", nlohmann::json::object());
  if (!status.is_object() || !status.value("authenticated", false))
    return fail(errc::unauthorized, "unknown bearer token");
  // The API server echoes the audiences the token is valid for; it must include ours.
  const auto audiences = status.value("audiences", nlohmann::json::array());
  if (audiences.is_array() && !audiences.empty() &&
      std::find(audiences.begin(), audiences.end(), options_.audience) == audiences.end()) {
    return fail(errc::unauthorized, "the token is not meant for " + options_.audience);
  }
  const std::string user = status.value(nlohmann::json::json_pointer("/user/username"), std::string());
  if (user.rfind(sa_prefix, 0) == 0) {
    const auto rest = std::string_view(user).substr(sa_prefix.size());
    const auto colon = rest.find(':');
    if (colon != std::string_view::npos && rest.substr(colon + 1) == options_.service_account) {
      const std::string ns(rest.substr(0, colon));
      return principal{user, {ns}, {"stop"}};
    }
  }
  return fail(errc::forbidden, fmt::format("user '{}' may not use the devenv-scaler API", user));
}

result<principal> authenticate_chain(const token_authenticator* tokens,
                                     const service_account_authenticator* service_accounts,
                                     std::string_view authorization_header) {
  result<principal> who = fail(errc::unauthorized, "missing bearer token (Authorization: Bearer <token>)");
  if (tokens != nullptr) who = tokens->authenticate(authorization_header);
  if (who || who.error().code != errc::unauthorized || service_accounts == nullptr) return who;
  if (!bearer_token(authorization_header)) return who;
  return service_accounts->authenticate(authorization_header);
}

}  // namespace devenv::api
