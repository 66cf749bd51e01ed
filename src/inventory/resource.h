// The inventory model: the AWS resources that belong to environments, as last described. An environment's
// resources are EC2 instances, RDS DB instances and Aurora DB clusters carrying the namespace tag and the
// scheduler tag; an Aurora cluster is one resource (started and stopped as a cluster), its member instances
// are not listed separately. Pure value types and functions; thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace devenv::inventory {

enum class resource_kind { ec2, rds_instance, rds_cluster };
std::string_view to_string(resource_kind kind);  // "ec2", "rds-instance", "rds-cluster"
std::optional<resource_kind> parse_resource_kind(std::string_view text);

using time_point = std::chrono::system_clock::time_point;

struct resource {
  std::string id;  // i-…, DB instance identifier or DB cluster identifier
  resource_kind kind = resource_kind::ec2;
  std::string type;   // instance type, DB instance class, or cluster engine
  std::string state;  // as AWS reports it (running, stopped, available, …)
  std::map<std::string, std::string> tags;
  std::string cluster_id;  // an RDS instance that is a member of an Aurora cluster; never stored
  time_point seen_at{};

  bool operator==(const resource&) const = default;
};

// Which tags make a resource part of an environment (both configurable, aws.tags).
struct tag_keys {
  std::string namespace_key = "namespace";
  std::string scheduler_key = "scheduler";
  std::string scheduler_value = "enabled";
};

// environment name -> its resources, sorted by kind (EC2, RDS instances, clusters) then id.
using environments = std::map<std::string, std::vector<resource>>;

struct snapshot {
  environments envs;
  time_point refreshed_at{};  // when the describe calls that produced it finished
  std::size_t size() const;
};

// Keeps resources tagged namespace=<non-empty> and scheduler=<value>, drops Aurora members (their cluster
// stands for them) and duplicates (the same id seen twice across pages), and groups by namespace.
environments group_by_environment(std::vector<resource> all, const tag_keys& keys);

// How a reported state reads for stop/start decisions.
enum class power { running, stopped, starting, stopping, gone, other };
power classify(resource_kind kind, std::string_view state);

}  // namespace devenv::inventory
