// cloud_api: the few AWS calls the inventory needs, shaped by its consumers (the cacher, the stop/start
// adapter and the RDS guard) rather than by the AWS APIs. aws_cloud_api implements it over the EC2 and RDS
// Query clients; tests use recording fakes with error knobs. Implementations are thread-safe and never
// throw; every failure is an error value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "inventory/resource.h"

namespace devenv::inventory {

// What happened to one resource of a start/stop call.
struct change_outcome {
  std::string id;
  std::string state;     // the state AWS reported after the call (empty when unknown)
  bool already = false;  // it was already in (or moving to) the wanted state
  std::string error;     // non-empty: this resource failed, why
};

class cloud_api {
 public:
  virtual ~cloud_api() = default;
  // Every EC2 instance, RDS DB instance and DB cluster carrying the scheduler tag (all pages), with their
  // tags; `ns` non-empty narrows to namespace=<ns> where the service can filter. Grouping and the final
  // filtering happen in the caller (group_by_environment).
  virtual result<std::vector<resource>> describe(const tag_keys& keys, std::string_view ns) = 0;
  // Start or stop resources of one kind; one outcome per id. One bad id must never fail the others (EC2
  // rejects a whole call for one bad id, so implementations isolate it).
  virtual std::vector<change_outcome> change(bool start, resource_kind kind,
                                             const std::vector<std::string>& ids) = 0;
};

}  // namespace devenv::inventory
