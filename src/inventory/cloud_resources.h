// cloud_resources: env::external_resources over AWS. stop/start describe the environment's resources live
// (falling back to the cached inventory when AWS cannot list them), plan with power_plan, then act: EC2 in
// one batched call (retried id by id when the batch fails, so one terminated or invalid id is reported and
// the rest proceed), RDS one resource at a time. start optionally waits, bounded, until every started
// database is available and every started instance running. describe answers from the cacher's snapshot
// with its age. Thread-safe (no mutable state of its own; the cacher and cloud_api are thread-safe).
#pragma once

#include <chrono>
#include <functional>

#include "env/external_resources.h"
#include "inventory/cacher.h"
#include "inventory/cloud_api.h"
#include "inventory/power_plan.h"

namespace devenv::inventory {

struct wait_options {
  bool enabled = false;
  std::chrono::seconds timeout{600};
  std::chrono::seconds interval{10};
};

using sleep_fn = std::function<void(std::chrono::milliseconds)>;

class cloud_resources : public env::external_resources {
 public:
  // `api` and `cache` must outlive this object. `clock` and `sleep` drive the bounded wait (tests pass
  // fakes).
  cloud_resources(cloud_api& api, cacher& cache, wait_options wait, clock_fn clock, sleep_fn sleep);

  std::vector<env::resource_item> stop(std::string_view ns) override;
  std::vector<env::resource_item> start(std::string_view ns) override;
  env::external_status describe(std::string_view ns) override;

  // Acts on a plan (exposed for the RDS guard, which plans differently and acts the same way).
  std::vector<env::resource_item> apply(power_action action, const std::vector<power_step>& steps);

 private:
  std::vector<env::resource_item> run(power_action action, std::string_view ns);
  void wait_until_ready(std::string_view ns, std::vector<env::resource_item>& items);

  cloud_api& api_;
  cacher& cache_;
  wait_options wait_;
  clock_fn clock_;
  sleep_fn sleep_;
};

}  // namespace devenv::inventory
