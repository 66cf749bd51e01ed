// election_settings: the `leader_election:` section of the configuration and its environment variables —
// whether replicas elect a leader, the Lease's name, the timing and this replica's identity. Parsed like the
// other module sections (unknown keys are errors naming the key; durations "15s", "500ms", "1m" or a number
// of seconds). The Lease lives in the scaler's own namespace (environments.namespace, "default" if empty).
// A value type; parsing is pure apart from the injected environment reader.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "lease/election_decision.h"

namespace devenv::lease {

struct election_settings {
  bool enabled = true;                       // leader_election.enabled / DEVENV_LEADER_ELECTION
  std::string lease_name = "devenv-scaler";  // leader_election.lease_name / DEVENV_LEASE_NAME
  std::string identity;  // leader_election.identity / DEVENV_LEADER_IDENTITY; empty: POD_NAME, else host_pid
  election_timing timing;  // lease_duration, renew_deadline, retry_period / DEVENV_LEASE_DURATION, …
};

using env_lookup = std::function<std::optional<std::string>(std::string_view)>;

// `node` is the `leader_election:` mapping and may be undefined or null (defaults). Environment variables
// win over the file. errc::invalid_argument naming the key for unknown keys, bad values or a timing that
// violates lease_duration > renew_deadline > retry_period.
result<election_settings> parse_election_settings(const YAML::Node& node, const env_lookup& env);

// This replica's identity: the configured one, else POD_NAME (unique per pod), else "<hostname>_<pid>".
std::string resolve_identity(const std::string& configured, const env_lookup& env, std::string_view hostname,
                             long pid);

// "15s", "500ms", "2m" or a bare number of seconds; > 0.
result<std::chrono::milliseconds> parse_election_duration(std::string_view text, std::string_view key);

}  // namespace devenv::lease
