#include "aws/endpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace devenv::aws {
namespace {

bool truthy(const std::optional<std::string>& v) {
  if (!v) return false;
  std::string s = *v;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s == "true";
}

result<std::string> checked_url(std::string url, std::string_view origin) {
  while (url.ends_with('/')) url.pop_back();
  const auto scheme_end = url.find("://");
  const bool scheme_ok = url.starts_with("http://") || url.starts_with("https://");
  if (!scheme_ok || scheme_end == std::string::npos || url.size() == scheme_end + 3 ||
      url.find_first_of("?# ") != std::string::npos)
    return fail(errc::invalid_argument, fmt::format("{}: expected http(s)://host[:port][/path]", origin));
  return url;
}

}  // namespace

std::string endpoint_env_name(std::string_view service_id) {
  std::string out = "AWS_ENDPOINT_URL_";
  for (unsigned char c : service_id) out += c == ' ' ? '_' : static_cast<char>(std::toupper(c));
  return out;
}

std::optional<std::string> resolve_region(const env_lookup& env, const profiles& files) {
  if (auto r = env("AWS_REGION")) return r;
  if (auto r = env("AWS_DEFAULT_REGION")) return r;
  return profile_value(files, env, "region");
}

result<service_endpoint> resolve_endpoint(const service_info& service, const env_lookup& env,
                                          const profiles& files, std::string_view region) {
  service_endpoint out;
  out.signing_name = std::string(service.signing_name);
  if (!region.empty()) {
    out.region = std::string(region);
  } else if (auto r = resolve_region(env, files)) {
    out.region = *r;
  } else {
    return fail(errc::invalid_argument,
                fmt::format("no AWS region for {}: set AWS_REGION or a profile region", service.id));
  }
  if (!truthy(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
    const auto specific = endpoint_env_name(service.id);
    if (auto url = env(specific)) {
      auto checked = checked_url(*url, specific);
      if (!checked) return tl::unexpected(checked.error());
      out.url = *checked;
      return out;
    }
    if (auto url = env("AWS_ENDPOINT_URL")) {
      auto checked = checked_url(*url, "AWS_ENDPOINT_URL");
      if (!checked) return tl::unexpected(checked.error());
      out.url = *checked;
      return out;
    }
    if (auto url = profile_value(files, env, "endpoint_url")) {
      auto checked = checked_url(*url, "endpoint_url of profile " + active_profile(env));
      if (!checked) return tl::unexpected(checked.error());
      out.url = *checked;
      return out;
    }
  }
  const bool china = out.region.starts_with("cn-");
  out.url =
      fmt::format("https://{}.{}.amazonaws.com{}", service.endpoint_prefix, out.region, china ? ".cn" : "");
  return out;
}

}  // namespace devenv::aws
