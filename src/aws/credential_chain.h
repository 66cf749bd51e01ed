// The credential sources of the AWS SDKs and the default chain over them, in this order:
//   1. environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN;
//   2. web identity (IRSA): AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE → STS AssumeRoleWithWebIdentity
//      (AWS_ROLE_SESSION_NAME optional), an unsigned Query call; the token file is re-read on every refresh;
//   3. shared files: aws_access_key_id / aws_secret_access_key / aws_session_token of the active profile;
//   4. container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on http://169.254.170.2) or
//      AWS_CONTAINER_CREDENTIALS_FULL_URI, with Authorization from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
//      (re-read each time, as EKS Pod Identity rotates it) or AWS_CONTAINER_AUTHORIZATION_TOKEN;
//   5. IMDSv2: PUT /latest/api/token, then GET /latest/meta-data/iam/security-credentials/ and /<role>, on
//      AWS_EC2_METADATA_SERVICE_ENDPOINT (default http://169.254.169.254); off when
//      AWS_EC2_METADATA_DISABLED=true.
// A source that is not configured answers errc::unauthorized and the chain moves on; a source that is
// configured but fails stops the chain with its error (a broken IRSA set-up must not silently fall through to
// the node's instance role). The chain remembers which source answered.
// The default chain is wrapped in a cache that refreshes temporary credentials `refresh_margin` before they
// expire.
//
// Thread-safety: every provider here may be called concurrently (the cache serialises refreshes).
// Secrets: never logged; errors name the source and the HTTP status or AWS error code only.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "aws/environment.h"
#include "http/curl_client.h"

namespace devenv::aws {

// Pure parsers of the credential documents.
// STS <AssumeRoleWithWebIdentityResponse>…<Credentials>; an <ErrorResponse> becomes an error with its code.
result<credentials> parse_sts_credentials(std::string_view xml);
// Container / IMDS JSON: {AccessKeyId, SecretAccessKey, Token, Expiration[, Code]}.
result<credentials> parse_json_credentials(std::string_view json);

// Where container credentials are fetched, or nullopt when neither variable is set. FULL_URI over plain
// http must name a loopback address or the ECS/EKS agent addresses (169.254.170.2, 169.254.170.23,
// fd00:ec2::23), as the SDKs require; anything else is errc::invalid_argument.
result<std::optional<std::string>> container_credentials_url(const env_lookup& env);

struct provider_http_options {
  std::chrono::milliseconds timeout{5'000};  // per request
  std::chrono::milliseconds connect_timeout{1'000};
};

std::shared_ptr<credentials_provider> make_environment_provider(env_lookup env);
std::shared_ptr<credentials_provider> make_profile_provider(env_lookup env, profiles files);
// sts: where AssumeRoleWithWebIdentity goes (resolve_endpoint(sts_service, ...)).
std::shared_ptr<credentials_provider> make_web_identity_provider(env_lookup env, service_endpoint sts,
                                                                 const http::curl_client& http,
                                                                 provider_http_options options = {});
std::shared_ptr<credentials_provider> make_container_provider(env_lookup env, const http::curl_client& http,
                                                              provider_http_options options = {});
std::shared_ptr<credentials_provider> make_imds_provider(env_lookup env, const http::curl_client& http,
                                                         provider_http_options options = {});

// Tries providers in order (see above).
// Once a provider has answered, later calls go to it alone (a refresh never falls through to another source).
class chain_provider final : public credentials_provider {
 public:
  explicit chain_provider(std::vector<std::shared_ptr<credentials_provider>> providers);
  result<credentials> get(time_point now) override;

 private:
  std::vector<std::shared_ptr<credentials_provider>> providers_;
  std::mutex mutex_;
  std::optional<std::size_t> chosen_;
};

// Answers the last credentials until `refresh_margin` before their expiration, then asks `inner` again. If
// a refresh fails while the old credentials are still valid at `now`, they are used and the next call
// tries again.
class caching_provider final : public credentials_provider {
 public:
  caching_provider(std::shared_ptr<credentials_provider> inner,
                   std::chrono::seconds refresh_margin = std::chrono::minutes(5));
  result<credentials> get(time_point now) override;

 private:
  std::shared_ptr<credentials_provider> inner_;
  std::chrono::seconds refresh_margin_;
  std::mutex mutex_;
  std::optional<credentials> cached_;
};

// The cached default chain. The STS endpoint is resolved from env/files (region required only when web
// identity is configured).
std::shared_ptr<credentials_provider> default_credentials_chain(env_lookup env, profiles files,
                                                                const http::curl_client& http,
                                                                provider_http_options options = {});

}  // namespace devenv::aws
