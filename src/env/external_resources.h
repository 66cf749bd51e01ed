// external_resources: what an environment owns outside Kubernetes (EC2 instances, RDS databases), seen by
// the environment executor through three calls per namespace. The executor stops workloads first and then
// these, and starts these first and then workloads; how a resource is stopped or started (and in which order
// among themselves) is the implementation's business. Implementations must be thread-safe and must not
// throw: every problem is a value — a precondition failure (the resources cannot even be listed) is an error
// item, a failure on one resource is that resource's failed item, and the others proceed.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace devenv::env {

enum class resource_outcome { ok, skipped, failed };

// One resource acted upon (or not) by a stop/start.
struct resource_item {
  std::string
      kind;  // "ec2", "rds-instance", "rds-cluster" (an empty id: the whole step, e.g. listing failed)
  std::string id;
  std::string type;        // instance type / DB instance class / cluster engine
  std::string from_state;  // as observed before the action
  std::string to_state;    // as requested or reached ("" when unchanged)
  resource_outcome outcome = resource_outcome::skipped;
  std::string message;
};

// One resource as the inventory last saw it.
struct resource_status {
  std::string kind;
  std::string id;
  std::string type;
  std::string state;
};

struct external_status {
  std::vector<resource_status> resources;
  // Age of the inventory these come from; nullopt when it was never refreshed.
  std::optional<std::chrono::seconds> age;
  bool stale = false;  // the last refresh failed; `error` says why
  std::string error;
};

class external_resources {
 public:
  virtual ~external_resources() = default;
  virtual std::vector<resource_item> stop(std::string_view ns) = 0;
  virtual std::vector<resource_item> start(std::string_view ns) = 0;
  virtual external_status describe(std::string_view ns) = 0;
};

}  // namespace devenv::env
