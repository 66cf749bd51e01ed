#include "server/authenticator.h"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace kubesim {
namespace {

using json = nlohmann::json;

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// One CSV record with double-quoted fields (quotes may hold commas; "" is a literal quote).
std::optional<std::vector<std::string>> split_csv(std::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(trim(field));
      field.clear();
    } else {
      field += c;
    }
  }
  if (quoted) return std::nullopt;
  fields.push_back(trim(field));
  return fields;
}

}  // namespace

bool user_info::in_group(std::string_view group) const {
  return std::find(groups.begin(), groups.end(), group) != groups.end();
}

json user_info::to_json() const {
  return {{"username", username}, {"uid", uid}, {"groups", groups}};
}

result<std::vector<static_token>> parse_token_file(std::string_view text) {
  std::vector<static_token> tokens;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const std::string line = trim(text.substr(start, end == std::string_view::npos ? end : end - start));
    start = end == std::string_view::npos ? text.size() : end + 1;
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const auto fields = split_csv(line);
    if (!fields || fields->size() < 3 || (*fields)[0].empty() || (*fields)[1].empty())
      return tl::unexpected(api_error::bad_request("token file line " + std::to_string(line_number) +
                                                   ": want token,user,uid[,\"group1,group2\"]"));
    static_token token{(*fields)[0], {(*fields)[1], (*fields)[2], {}}};
    if (fields->size() > 3) {
      for (std::size_t i = 3; i < fields->size(); ++i) {
        // Groups arrive either as one quoted field "a,b" or, unquoted, spread over the remaining fields.
        const auto groups = split_csv((*fields)[i]);
        for (const auto& group : groups.value_or(std::vector<std::string>{})) {
          if (!group.empty()) token.user.groups.push_back(group);
        }
      }
    }
    if (!token.user.in_group("system:authenticated")) token.user.groups.push_back("system:authenticated");
    tokens.push_back(std::move(token));
  }
  return tokens;
}

void authenticator::add_static(static_token token) {
  static_[token.token] = std::move(token.user);
}

std::string authenticator::issue_service_account_token(std::string_view ns, std::string_view name,
                                                       std::string_view uid,
                                                       std::vector<std::string> audiences,
                                                       time_point expires) {
  if (audiences.empty()) audiences.emplace_back(default_audience);
  user_info user;
  user.username = "system:serviceaccount:" + std::string(ns) + ":" + std::string(name);
  user.uid = std::string(uid);
  user.groups = {"system:serviceaccounts", "system:serviceaccounts:" + std::string(ns),
                 "system:authenticated"};
  // Shaped like a JWT (three dot-separated parts) so clients that peek at it do not choke; kube-sim only
  // ever looks it up.
  std::string token = "eyJhbGciOiJub25lIn0." + random_token(24) + "." + random_token(16);
  issued_[token] = issued{std::move(user), std::move(audiences), expires};
  return token;
}

std::optional<user_info> authenticator::authenticate(std::string_view token, time_point now,
                                                     const std::vector<std::string>& audiences,
                                                     std::vector<std::string>* matched) const {
  if (token.empty()) return std::nullopt;
  if (auto it = static_.find(token); it != static_.end()) {
    if (matched)
      *matched = audiences.empty() ? std::vector<std::string>{std::string(default_audience)} : audiences;
    return it->second;
  }
  const auto it = issued_.find(token);
  if (it == issued_.end() || now >= it->second.expires) return std::nullopt;
  std::vector<std::string> wanted = audiences;
  if (wanted.empty()) wanted.emplace_back(default_audience);
  std::vector<std::string> intersection;
  for (const auto& audience : wanted) {
    if (std::find(it->second.audiences.begin(), it->second.audiences.end(), audience) !=
        it->second.audiences.end())
      intersection.push_back(audience);
  }
  if (intersection.empty()) return std::nullopt;
  if (matched) *matched = std::move(intersection);
  return it->second.user;
}

result<json> authenticator::review(const json& token_review, time_point now) const {
  if (!token_review.is_object() || !token_review.contains("spec") || !token_review["spec"].is_object())
    return tl::unexpected(api_error::bad_request("a TokenReview needs a spec"));
  const json& spec = token_review["spec"];
  if (!spec.contains("token") || !spec["token"].is_string() || spec["token"].get<std::string>().empty())
    return tl::unexpected(
        api_error::invalid("TokenReview", "", "spec.token: Required value: token must not be empty"));
  std::vector<std::string> audiences;
  if (spec.contains("audiences")) {
    if (!spec["audiences"].is_array())
      return tl::unexpected(api_error::bad_request("spec.audiences must be a list"));
    for (const auto& audience : spec["audiences"]) {
      if (!audience.is_string())
        return tl::unexpected(api_error::bad_request("spec.audiences must be strings"));
      audiences.push_back(audience.get<std::string>());
    }
  }
  json reviewed = token_review;
  reviewed["kind"] = "TokenReview";
  reviewed["apiVersion"] = "authentication.k8s.io/v1";
  if (!reviewed.contains("metadata") || !reviewed["metadata"].is_object())
    reviewed["metadata"] = json::object();
  // kube-apiserver does not echo the token back.
  std::vector<std::string> matched;
  const auto user = authenticate(spec["token"].get<std::string>(), now, audiences, &matched);
  json status = {{"authenticated", user.has_value()}, {"user", json::object()}};
  if (user) {
    status["user"] = user->to_json();
    status["audiences"] = matched;
  } else {
    status["error"] = "invalid bearer token";
  }
  reviewed["status"] = std::move(status);
  return reviewed;
}

std::string random_token(std::size_t bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
  std::string token;
  token.reserve(bytes);
  for (unsigned char b : raw) token += alphabet[b % 64];
  return token;
}

}  // namespace kubesim
