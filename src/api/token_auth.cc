#include "api/token_auth.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "env/protection.h"

namespace devenv::api {

std::string sha256(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

namespace {

result<void> check_token(std::string_view name, std::string_view token) {
  if (name.empty()) return fail(errc::invalid_argument, "API token without a name");
  if (token.size() < 16) {
    return fail(errc::invalid_argument, fmt::format("API token '{}' is shorter than 16 characters", name));
  }
  return {};
}

}  // namespace

result<token_authenticator> token_authenticator::from_list(std::string_view list) {
  token_authenticator out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    auto item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    const auto colon = item.find(':');
    if (colon == std::string_view::npos) {
      return fail(errc::invalid_argument, "API tokens must be written name:token, separated by commas");
    }
    const auto name = item.substr(0, colon);
    const auto token = item.substr(colon + 1);
    if (auto r = check_token(name, token); !r) return tl::unexpected(r.error());
    out.entries_.push_back(entry{sha256(token), principal{std::string(name), {"*"}, {"*"}}});
  }
  return out;
}

result<token_authenticator> token_authenticator::from_yaml(std::string_view yaml_text) {
  token_authenticator out;
  try {
    const auto root = YAML::Load(std::string(yaml_text));
    const auto tokens = root["tokens"];
    if (!tokens || !tokens.IsSequence())
      return fail(errc::invalid_argument, "API tokens file: expected tokens: [...]");
    for (const auto& t : tokens) {
      principal who;
      who.name = t["name"] ? t["name"].as<std::string>() : "";
      const auto token = t["token"] ? t["token"].as<std::string>() : "";
      if (auto r = check_token(who.name, token); !r) return tl::unexpected(r.error());
      if (t["environments"]) who.environments = t["environments"].as<std::vector<std::string>>();
      if (t["actions"]) who.actions = t["actions"].as<std::vector<std::string>>();
      out.entries_.push_back(entry{sha256(token), std::move(who)});
    }
  } catch (const YAML::Exception& ex) {
    return fail(errc::invalid_argument, fmt::format("API tokens file: {}", ex.what()));
  }
  return out;
}

void token_authenticator::merge(const token_authenticator& other) {
  entries_.insert(entries_.end(), other.entries_.begin(), other.entries_.end());
}

result<principal> token_authenticator::authenticate(std::string_view header) const {
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() <= scheme.size() ||
      !std::equal(scheme.begin(), scheme.end(), header.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return fail(errc::unauthorized, "missing bearer token (Authorization: Bearer <token>)");
  }
  const auto digest = sha256(header.substr(scheme.size()));
  // Compare against every entry so the time taken does not reveal which one matched.
  const principal* found = nullptr;
  for (const auto& e : entries_) {
    if (CRYPTO_memcmp(e.digest.data(), digest.data(), digest.size()) == 0) found = &e.who;
  }
  if (!found) return fail(errc::unauthorized, "unknown bearer token");
  return *found;
}

result<void> token_authenticator::authorize(const principal& who, std::string_view action,
                                            std::string_view environment) {
  const bool action_ok = std::any_of(who.actions.begin(), who.actions.end(),
                                     [&](const std::string& a) { return a == "*" || a == action; });
  const bool env_ok = std::any_of(who.environments.begin(), who.environments.end(),
                                  [&](const std::string& g) { return env::glob_match(g, environment); });
  if (!action_ok || !env_ok) {
    return fail(errc::forbidden,
                fmt::format("token '{}' may not {} environment '{}'", who.name, action, environment));
  }
  return {};
}

}  // namespace devenv::api
