// The admission webhook route `POST /admission/namespaces` (AdmissionReview v1, namespaces CREATE/UPDATE).
// The answer comes from the pure decide_namespace_admission; only after answering, and never for a dry
// run, the namespace's CronJob is converged in the background through the cronjob manager, retried with
// exponential backoff while the namespace does not exist yet (during a CREATE's admission it cannot), up to a
// bounded number of attempts. If all attempts fail, the namespace reconciler converges it later anyway.
//
// Registration happens once at start-up; the handler is then safe to run concurrently. Background
// converges run on the worker pool; their backoff waits are timers on the server's executor.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "core/net.h"
#include "env/protection.h"
#include "http/router.h"
#include "schedule/cronjob_manager.h"

namespace devenv::admission {

struct admission_context {
  std::string label_key = "scheduler";
  env::protection_policy protection;
  schedule::cronjob_manager* cronjobs = nullptr;  // null: answer only, converge nothing
  net::thread_pool* workers = nullptr;            // blocking Kubernetes calls run here
  std::function<std::chrono::system_clock::time_point()> now;
  int converge_attempts = 8;
  std::chrono::milliseconds initial_backoff{250};
  std::chrono::milliseconds max_backoff{8'000};
  // Called once per background converge with its final outcome (logging, metrics, tests).
  std::function<void(const std::string& ns, const result<schedule::converge_result>& outcome, int attempts)>
      on_converged;
};

void add_admission_routes(http::router& router, const admission_context& context);

}  // namespace devenv::admission
