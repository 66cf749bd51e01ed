// support_settings: how support pods are made — the namespace they live in, the Pod template (image,
// command, service account, node selector, tolerations), the five sizes' CPU and memory, the lifetime
// Kubernetes enforces, the per-person limit and who may stop anybody's pod — read from the `support:`
// mapping of the configuration file. A value type; immutable after parsing, so safe to share.
#pragma once

#include <yaml-cpp/yaml.h>

#include <array>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace devenv::support {

// The sizes a person can ask for, smallest first. Slack's grammar (src/slack/command.h) knows the same five.
inline constexpr std::array<std::string_view, 5> size_names = {"XS", "S", "M", "L", "XL"};
inline constexpr std::string_view default_size = "S";

// Kubernetes quantities ("250m", "1Gi"), checked by parse_quantity; request <= limit.
struct size_resources {
  std::string cpu_request;
  std::string cpu_limit;
  std::string memory_request;
  std::string memory_limit;
};

struct support_settings {
  // support.enabled: true when the configuration has a `support:` section (unless it says false). Off by
  // default: the namespace and the RBAC on pods must exist first (docs/support-pods.md).
  bool enabled = false;
  std::string ns = "devenv-support";   // support.namespace
  std::string image = "busybox:1.36";  // support.image
  // support.command: the container's command. The default idles and exits at once on SIGTERM, so a stop does
  // not wait out the grace period.
  std::vector<std::string> command = {"sh", "-c", "trap 'exit 0' TERM; sleep 2147483647 & wait"};
  std::string service_account;                       // support.service_account; empty: the namespace default
  std::map<std::string, std::string> node_selector;  // support.node_selector
  nlohmann::json tolerations = nlohmann::json::array();  // support.tolerations: Pod tolerations, as written
  // support.sizes: XS..XL; a size named in the file overrides only the fields it names. Defaults keep the
  // original's memory (512Mi … 8Gi, request = limit so a pod is never OOM-killed below what it asked for)
  // with CPU scaled alongside (1 core requested per 4Gi, limit twice the request).
  std::map<std::string, size_resources, std::less<>> sizes = {
      {"XS", {"125m", "250m", "512Mi", "512Mi"}}, {"S", {"250m", "500m", "1Gi", "1Gi"}},
      {"M", {"500m", "1", "2Gi", "2Gi"}},         {"L", {"1", "2", "4Gi", "4Gi"}},
      {"XL", {"2", "4", "8Gi", "8Gi"}},
  };
  std::chrono::seconds max_lifetime{12 * 3600};  // support.max_lifetime: activeDeadlineSeconds
  int per_user_limit = 2;  // support.per_user_limit: live pods one owner may have (0: no limit)
  // support.admins: owners who may stop anybody's pod — Slack user ids ("U0123ABCD") and REST token names
  // as "api:<name>".
  std::vector<std::string> admins;

  // The size for a name as typed ("xl", "XL"; empty → default_size), or errc::invalid_argument listing the
  // sizes.
  result<std::string> resolve_size(std::string_view name) const;
  bool is_admin(std::string_view owner) const;
};

// "XS, S, M, L, XL" — for error messages.
std::string size_list();

// `node` is the `support:` mapping and may be undefined or null (all defaults, disabled). Unknown keys are
// errors naming the key; durations are written "12h", "90m", "1d 2h" (core/duration.h) or as a number of
// seconds. Quantities are checked and each size's request may not exceed its limit. errc::invalid_argument.
result<support_settings> parse_support_settings(const YAML::Node& node);

}  // namespace devenv::support
