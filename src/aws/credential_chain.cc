#include "aws/credential_chain.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "aws/api_error.h"
#include "aws/sigv4.h"
#include "core/rfc3339.h"

namespace devenv::aws {
namespace {

result<credentials> not_configured(std::string_view what) {
  return fail(errc::unauthorized, std::string(what) + " not configured");
}

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  auto text = out.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

result<std::optional<time_point>> parse_expiration(std::string_view text, std::string_view source) {
  if (text.empty()) return std::optional<time_point>{};
  auto t = parse_rfc3339(text);
  if (!t) return fail(errc::unavailable, fmt::format("{}: unreadable Expiration", source));
  return std::optional<time_point>(*t);
}

bool is_true(const std::optional<std::string>& v) {
  if (!v) return false;
  std::string s = *v;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s == "true";
}

http::client_request plain_request(std::string method, std::string url,
                                   const provider_http_options& options) {
  http::client_request r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.timeout = options.timeout;
  r.connect_timeout = options.connect_timeout;
  return r;
}

std::string status_error(std::string_view source, const http::client_response& response) {
  auto e = parse_error_response(response.status, response.body);
  return fmt::format("{}: HTTP {}{}", source, response.status, e.code.empty() ? "" : " " + e.code);
}

class environment_provider final : public credentials_provider {
 public:
  explicit environment_provider(env_lookup env) : env_(std::move(env)) {}
  result<credentials> get(time_point) override {
    auto id = env_("AWS_ACCESS_KEY_ID");
    auto secret = env_("AWS_SECRET_ACCESS_KEY");
    if (!id && !secret) return not_configured("environment credentials");
    if (!id || !secret)
      return fail(errc::invalid_argument, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set together");
    return credentials{*id, *secret, env_("AWS_SESSION_TOKEN").value_or(""), std::nullopt, "environment"};
  }

 private:
  env_lookup env_;
};

class profile_provider final : public credentials_provider {
 public:
  profile_provider(env_lookup env, profiles files) : env_(std::move(env)), files_(std::move(files)) {}
  result<credentials> get(time_point) override {
    const auto name = active_profile(env_);
    const auto profile = files_.find(name);
    if (profile == files_.end()) {
      // A profile asked for by name must exist; the implicit "default" may be absent.
      if (env_("AWS_PROFILE") || env_("AWS_DEFAULT_PROFILE"))
        return fail(errc::invalid_argument,
                    fmt::format("AWS profile '{}' not found in the shared files", name));
      return not_configured("shared-file credentials");
    }
    auto id = profile_value(files_, env_, "aws_access_key_id");
    auto secret = profile_value(files_, env_, "aws_secret_access_key");
    if (!id && !secret) return not_configured(fmt::format("static keys in profile '{}'", name));
    if (!id || !secret)
      return fail(errc::invalid_argument,
                  fmt::format("profile '{}' needs both aws_access_key_id and aws_secret_access_key", name));
    return credentials{*id, *secret, profile_value(files_, env_, "aws_session_token").value_or(""),
                       std::nullopt, "profile " + name};
  }

 private:
  env_lookup env_;
  profiles files_;
};

class web_identity_provider final : public credentials_provider {
 public:
  web_identity_provider(env_lookup env, service_endpoint sts, const http::curl_client& http,
                        provider_http_options options)
      : env_(std::move(env)), sts_(std::move(sts)), http_(http), options_(options) {}

  result<credentials> get(time_point now) override {
    auto role = env_("AWS_ROLE_ARN");
    auto token_file = env_("AWS_WEB_IDENTITY_TOKEN_FILE");
    if (!role && !token_file) return not_configured("web identity");
    if (!role || !token_file)
      return fail(errc::invalid_argument,
                  "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE must be set together");
    // Re-read on every refresh: the kubelet rotates the projected token.
    auto token = read_text_file(*token_file);
    if (!token || token->empty())
      return fail(errc::unavailable, fmt::format("web identity: cannot read token file {}", *token_file));
    const auto session =
        env_("AWS_ROLE_SESSION_NAME")
            .value_or(fmt::format(
                "devenv-scaler-{}",
                std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()));
    auto request = plain_request("POST", sts_.url + "/", options_);
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    request.body = canonical_query_string({{"Action", "AssumeRoleWithWebIdentity"},
                                           {"Version", "2011-06-15"},
                                           {"RoleArn", *role},
                                           {"RoleSessionName", session},
                                           {"WebIdentityToken", *token}});
    auto response = http_.perform(request);
    if (!response) return fail(response.error().code, "web identity: STS: " + response.error().message);
    if (response->status != 200) {
      auto e = parse_error_response(response->status, response->body);
      return fail(errc::unavailable,
                  fmt::format("web identity: STS AssumeRoleWithWebIdentity: {}", e.describe()));
    }
    auto creds = parse_sts_credentials(response->body);
    if (creds) creds->source = "web-identity";
    return creds;
  }

 private:
  env_lookup env_;
  service_endpoint sts_;
  const http::curl_client& http_;
  provider_http_options options_;
};

class container_provider final : public credentials_provider {
 public:
  container_provider(env_lookup env, const http::curl_client& http, provider_http_options options)
      : env_(std::move(env)), http_(http), options_(options) {}

  result<credentials> get(time_point) override {
    auto url = container_credentials_url(env_);
    if (!url) return tl::unexpected(url.error());
    if (!*url) return not_configured("container credentials");
    auto request = plain_request("GET", **url, options_);
    std::optional<std::string> authorization;
    if (auto file = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
      authorization = read_text_file(*file);
      if (!authorization)
        return fail(errc::unavailable,
                    fmt::format("container credentials: cannot read token file {}", *file));
    } else {
      authorization = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    }
    if (authorization) {
      if (authorization->find_first_of("\r\n") != std::string::npos)
        return fail(errc::invalid_argument,
                    "container credentials: the authorization token contains a newline");
      request.headers.emplace_back("Authorization", *authorization);
    }
    auto response = http_.perform(request);
    if (!response) return fail(response.error().code, "container credentials: " + response.error().message);
    if (response->status != 200)
      return fail(errc::unavailable, status_error("container credentials", *response));
    auto creds = parse_json_credentials(response->body);
    if (creds) creds->source = "container";
    return creds;
  }

 private:
  env_lookup env_;
  const http::curl_client& http_;
  provider_http_options options_;
};

class imds_provider final : public credentials_provider {
 public:
  imds_provider(env_lookup env, const http::curl_client& http, provider_http_options options)
      : env_(std::move(env)), http_(http), options_(options) {}

  result<credentials> get(time_point) override {
    if (is_true(env_("AWS_EC2_METADATA_DISABLED"))) return not_configured("IMDS (AWS_EC2_METADATA_DISABLED)");
    auto base = env_("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("http://169.254.169.254");
    while (base.ends_with('/')) base.pop_back();

    auto token_request = plain_request("PUT", base + "/latest/api/token", options_);
    token_request.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", "21600");
    auto token = http_.perform(token_request);
    // Off EC2 nothing answers: that is "not configured", so the chain reports "no credentials".
    if (!token) return fail(errc::unauthorized, "IMDS: not reachable (" + token.error().message + ")");
    if (token->status != 200) return fail(errc::unavailable, status_error("IMDS token", *token));

    const auto get = [&](const std::string& path) {
      auto r = plain_request("GET", base + path, options_);
      r.headers.emplace_back("X-aws-ec2-metadata-token", token->body);
      return http_.perform(r);
    };
    const std::string roles_path = "/latest/meta-data/iam/security-credentials/";
    auto roles = get(roles_path);
    if (!roles) return fail(roles.error().code, "IMDS: " + roles.error().message);
    if (roles->status == 404) return fail(errc::unauthorized, "IMDS: no instance role attached");
    if (roles->status != 200) return fail(errc::unavailable, status_error("IMDS role", *roles));
    auto role = roles->body.substr(0, roles->body.find('\n'));
    if (role.empty()) return fail(errc::unauthorized, "IMDS: no instance role attached");
    auto document = get(roles_path + role);
    if (!document) return fail(document.error().code, "IMDS: " + document.error().message);
    if (document->status != 200) return fail(errc::unavailable, status_error("IMDS credentials", *document));
    auto creds = parse_json_credentials(document->body);
    if (creds) creds->source = "imds";
    return creds;
  }

 private:
  env_lookup env_;
  const http::curl_client& http_;
  provider_http_options options_;
};

}  // namespace

result<credentials> parse_sts_credentials(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return fail(errc::unavailable, "STS: malformed XML answer");
  const auto root = doc.document_element();
  if (std::string_view(root.name()) == "ErrorResponse") {
    auto e = parse_error_response(400, xml);
    return fail(e.kind, "STS: " + e.describe());
  }
  const auto c = root.child("AssumeRoleWithWebIdentityResult").child("Credentials");
  credentials out;
  out.access_key_id = c.child("AccessKeyId").text().as_string();
  out.secret_access_key = c.child("SecretAccessKey").text().as_string();
  out.session_token = c.child("SessionToken").text().as_string();
  if (out.access_key_id.empty() || out.secret_access_key.empty())
    return fail(errc::unavailable, "STS: the answer holds no credentials");
  auto expiration = parse_expiration(c.child("Expiration").text().as_string(), "STS");
  if (!expiration) return tl::unexpected(expiration.error());
  out.expiration = *expiration;
  return out;
}

result<credentials> parse_json_credentials(std::string_view text) {
  try {
    const auto json = nlohmann::json::parse(text);
    if (!json.is_object()) return fail(errc::unavailable, "credentials document is not a JSON object");
    if (json.contains("Code") && json.value("Code", "") != "Success")
      return fail(errc::unavailable, "credentials document: Code " + json.value("Code", std::string("?")));
    credentials out;
    out.access_key_id = json.value("AccessKeyId", "");
    out.secret_access_key = json.value("SecretAccessKey", "");
    out.session_token = json.value("Token", "");
    if (out.access_key_id.empty() || out.secret_access_key.empty())
      return fail(errc::unavailable, "credentials document without AccessKeyId/SecretAccessKey");
    auto expiration = parse_expiration(json.value("Expiration", ""), "credentials document");
    if (!expiration) return tl::unexpected(expiration.error());
    out.expiration = *expiration;
    return out;
  } catch (const nlohmann::json::exception&) {
    return fail(errc::unavailable, "credentials document is not valid JSON");
  }
}

result<std::optional<std::string>> container_credentials_url(const env_lookup& env) {
  if (auto relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
    return std::optional<std::string>("http://169.254.170.2" + *relative);
  auto full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (!full) return std::optional<std::string>{};
  if (full->starts_with("https://")) return full;
  if (!full->starts_with("http://"))
    return fail(errc::invalid_argument, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http(s) URL");
  const auto authority_start = std::string_view("http://").size();
  const auto authority = full->substr(authority_start, full->find('/', authority_start) - authority_start);
  std::string host = authority;
  if (host.starts_with('[')) {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  in_addr v4{};
  // Parsed, not prefix-matched: "127.0.0.1.example.com" is not loopback.
  const bool loopback_v4 = inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
  const bool allowed = loopback_v4 || host == "localhost" || host == "[::1]" || host == "169.254.170.2" ||
                       host == "169.254.170.23" || host == "[fd00:ec2::23]";
  if (!allowed)
    return fail(errc::invalid_argument,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI over http must be a loopback or container-agent address");
  return full;
}

std::shared_ptr<credentials_provider> make_environment_provider(env_lookup env) {
  return std::make_shared<environment_provider>(std::move(env));
}
std::shared_ptr<credentials_provider> make_profile_provider(env_lookup env, profiles files) {
  return std::make_shared<profile_provider>(std::move(env), std::move(files));
}
std::shared_ptr<credentials_provider> make_web_identity_provider(env_lookup env, service_endpoint sts,
                                                                 const http::curl_client& http,
                                                                 provider_http_options options) {
  return std::make_shared<web_identity_provider>(std::move(env), std::move(sts), http, options);
}
std::shared_ptr<credentials_provider> make_container_provider(env_lookup env, const http::curl_client& http,
                                                              provider_http_options options) {
  return std::make_shared<container_provider>(std::move(env), http, options);
}
std::shared_ptr<credentials_provider> make_imds_provider(env_lookup env, const http::curl_client& http,
                                                         provider_http_options options) {
  return std::make_shared<imds_provider>(std::move(env), http, options);
}

chain_provider::chain_provider(std::vector<std::shared_ptr<credentials_provider>> providers)
    : providers_(std::move(providers)) {}

result<credentials> chain_provider::get(time_point now) {
  std::optional<std::size_t> chosen;
  {
    std::lock_guard lock(mutex_);
    chosen = chosen_;
  }
  if (chosen) return providers_[*chosen]->get(now);
  std::string tried;
  for (std::size_t i = 0; i < providers_.size(); ++i) {
    auto creds = providers_[i]->get(now);
    if (creds) {
      std::lock_guard lock(mutex_);
      chosen_ = i;
      return creds;
    }
    if (creds.error().code != errc::unauthorized) return creds;
    if (!tried.empty()) tried += "; ";
    tried += creds.error().message;
  }
  return fail(errc::unauthorized, "no AWS credentials found (" + tried + ")");
}

caching_provider::caching_provider(std::shared_ptr<credentials_provider> inner,
                                   std::chrono::seconds refresh_margin)
    : inner_(std::move(inner)), refresh_margin_(refresh_margin) {}

result<credentials> caching_provider::get(time_point now) {
  std::lock_guard lock(mutex_);
  if (cached_ && cached_->valid_at(now, refresh_margin_)) return *cached_;
  auto fresh = inner_->get(now);
  if (fresh) {
    cached_ = *fresh;
    return fresh;
  }
  // AWS answers with credentials valid well beyond the margin, so a failed early refresh can wait.
  if (cached_ && cached_->valid_at(now)) return *cached_;
  return fresh;
}

std::shared_ptr<credentials_provider> default_credentials_chain(env_lookup env, profiles files,
                                                                const http::curl_client& http,
                                                                provider_http_options options) {
  std::vector<std::shared_ptr<credentials_provider>> providers;
  providers.push_back(make_environment_provider(env));
  // STS needs a region only when web identity is in use; without one the provider reports the error then.
  auto sts = resolve_endpoint(sts_service, env, files);
  if (sts) {
    providers.push_back(make_web_identity_provider(env, *sts, http, options));
  } else {
    struct unresolved final : credentials_provider {
      env_lookup env;
      devenv::error why;
      result<credentials> get(time_point) override {
        if (!env("AWS_ROLE_ARN") && !env("AWS_WEB_IDENTITY_TOKEN_FILE"))
          return not_configured("web identity");
        return fail(why.code, "web identity: " + why.message);
      }
    };
    auto p = std::make_shared<unresolved>();
    p->env = env;
    p->why = sts.error();
    providers.push_back(std::move(p));
  }
  providers.push_back(make_profile_provider(env, std::move(files)));
  providers.push_back(make_container_provider(env, http, options));
  providers.push_back(make_imds_provider(env, http, options));
  return std::make_shared<caching_provider>(std::make_shared<chain_provider>(std::move(providers)));
}

}  // namespace devenv::aws
