// Region and per-service endpoint resolution, as the AWS SDKs do it, so emulators and test fakes are reached
// by configuration alone. Pure: the environment and the profiles come in.
//
// Region: AWS_REGION, else AWS_DEFAULT_REGION, else `region` of the active profile.
// Endpoint URL, first found:
//   AWS_ENDPOINT_URL_<SERVICE> (service id upper-cased, spaces to '_': EC2, RDS, DYNAMODB, STS),
//   AWS_ENDPOINT_URL, `endpoint_url` of the active profile,
//   else https://<prefix>.<region>.amazonaws.com (".amazonaws.com.cn" in cn- regions).
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips the configured ones. (The config file's per-service
// `services` sections are not supported.)
//
// Thread-safety: pure functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "aws/environment.h"
#include "core/error.h"

namespace devenv::aws {

struct service_info {
  std::string_view id;            // service id as in AWS_ENDPOINT_URL_<ID>: "EC2", "RDS", "DynamoDB", "STS"
  std::string_view signing_name;  // SigV4 service name
  std::string_view endpoint_prefix;  // host prefix of the default endpoint
};

inline constexpr service_info ec2_service{"EC2", "ec2", "ec2"};
inline constexpr service_info rds_service{"RDS", "rds", "rds"};
inline constexpr service_info dynamodb_service{"DynamoDB", "dynamodb", "dynamodb"};
inline constexpr service_info sts_service{"STS", "sts", "sts"};

struct service_endpoint {
  std::string url;           // scheme://host[:port][/base-path], no trailing slash
  std::string region;        // signing region
  std::string signing_name;  // SigV4 service name
};

std::optional<std::string> resolve_region(const env_lookup& env, const profiles& files);

// `region` overrides the resolved one when non-empty (explicit configuration). errc::invalid_argument when
// no region is known or a configured URL is not http(s)://host.
result<service_endpoint> resolve_endpoint(const service_info& service, const env_lookup& env,
                                          const profiles& files, std::string_view region = {});

// The environment variable consulted for a service: "AWS_ENDPOINT_URL_DYNAMODB".
std::string endpoint_env_name(std::string_view service_id);

}  // namespace devenv::aws
