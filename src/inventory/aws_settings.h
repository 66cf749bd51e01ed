// aws_settings: the `aws:` section of the configuration — whether EC2/RDS follow their environments, the
// region, which tags say a resource belongs to an environment, how often the inventory is refreshed, where
// it is stored, and whether start waits for the databases. Credentials are not here: they come from the
// standard AWS chain (src/aws). Environment variables: DEVENV_AWS_ENABLED, DEVENV_AWS_REGION (else
// AWS_REGION / AWS_DEFAULT_REGION), DEVENV_AWS_STORE, DEVENV_AWS_SQLITE_PATH, DEVENV_AWS_DYNAMODB_TABLE.
// A value type.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "inventory/resource.h"

namespace devenv::inventory {

enum class store_kind { sqlite, dynamodb };

struct aws_settings {
  bool enabled = false;  // aws.enabled: off by default; when off, environments are workloads only
  std::string region;    // aws.region; empty: from the AWS environment/config (the client resolves it)
  tag_keys tags;         // aws.tags.{namespace_key, scheduler_key, scheduler_value}
  std::chrono::seconds refresh_period{60};  // aws.refresh_period
  // aws.guard_period: how often the leader stops again the databases of stopped environments that AWS
  // restarted after 7 days (it uses the inventory, so it is never shorter than a refresh).
  std::chrono::seconds guard_period{600};
  store_kind store = store_kind::sqlite;                            // aws.store: sqlite | dynamodb
  std::string sqlite_path = "/var/lib/devenv-scaler/inventory.db";  // aws.sqlite_path
  std::string dynamodb_table = "devenv-scaler-inventory";           // aws.dynamodb_table
  bool create_table = false;               // aws.create_table: CreateTable when missing
  bool wait_for_ready = false;             // aws.wait_for_ready: start waits for available/running
  std::chrono::seconds wait_timeout{600};  // aws.wait_timeout: the wait's bound
  std::chrono::seconds wait_interval{10};  // aws.wait_interval: between two describes while waiting
};

using env_lookup = std::function<std::optional<std::string>(std::string_view)>;

// `node` is the `aws:` mapping and may be undefined or null (all defaults). Unknown keys are errors naming
// the key; durations are "90s", "2m", "1h" or a number of seconds. errc::invalid_argument.
result<aws_settings> parse_aws_settings(const YAML::Node& node, const env_lookup& env);

}  // namespace devenv::inventory
