// aws_runtime: everything the AWS integration needs, built from the `aws:` settings and the environment —
// HTTP client, the default credential chain, the EC2/RDS/DynamoDB endpoints (AWS_ENDPOINT_URL and the
// per-service variants honoured), the Query clients, the inventory store (SQLite or DynamoDB), the cacher
// and the env::external_resources adapter. Owned by `serve` and `devenv-scaler cacher`; app/ only wires it.
// Thread-safety: after create(), the members are thread-safe as documented on each.
#pragma once

#include <memory>

#include "aws/environment.h"
#include "inventory/aws_settings.h"
#include "inventory/cacher.h"
#include "inventory/cloud_resources.h"

namespace devenv::inventory {

class aws_runtime {
 public:
  // Fails (nothing started) when the region or an endpoint cannot be resolved or the store cannot be opened.
  // The stored inventory is loaded; a store that cannot be read yet (DynamoDB down) is logged, not fatal.
  static result<std::unique_ptr<aws_runtime>> create(const aws_settings& settings, aws::env_lookup env,
                                                     clock_fn clock);
  ~aws_runtime();

  cacher& cache();
  cloud_resources& resources();
  const aws_settings& settings() const;

 private:
  struct parts;
  explicit aws_runtime(std::unique_ptr<parts> p);
  std::unique_ptr<parts> parts_;
};

// `devenv-scaler cacher`: the refresher as its own process (no RDS guard: that needs the environments' state,
// which `serve` has). Refreshes until SIGINT/SIGTERM; returns the exit code (2 when it cannot start).
int run_standalone_cacher(const aws_settings& settings, aws::env_lookup env);

}  // namespace devenv::inventory
