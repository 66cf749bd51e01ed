// namespace_reconciler: level-triggered convergence of every managed namespace's shutdown CronJob to its
// namespace's scheduler label, so the system is right even when the admission webhook was down or skipped
// (failurePolicy Ignore). A namespace informer (list + watch, kube/informer.h) converges each namespace it
// sees added or modified and every namespace of each (re)list; a periodic resync converges all namespaces
// again (it also repairs CronJobs changed by hand, which produce no namespace event).
//
// Thread-safety: run() blocks the calling thread until `stop`; it starts one extra thread for the informer.
// Converging is idempotent and every write carries a resourceVersion precondition, so two replicas running
// the reconciler at once (before leader election exists) only cost duplicate reads, never wrong writes.
// (Part of library devenv_schedule_kube: it watches through kube::client.)
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "kube/client.h"
#include "schedule/cronjob_manager.h"

namespace devenv::schedule {

struct reconciler_options {
  std::chrono::seconds resync_interval{300};
  std::function<std::chrono::system_clock::time_point()> now;  // wall clock, injected
  // Waits between resyncs; must return early once stop is set. Default: 50 ms slices of sleep_for.
  std::function<void(std::chrono::milliseconds, const std::atomic<bool>& stop)> sleep;
  // Called after each converge (logging, metrics, tests).
  std::function<void(const std::string& ns, const result<converge_result>& outcome)> on_converged;
};

struct resync_summary {
  int namespaces = 0;
  int changed = 0;  // created or patched
  int failed = 0;
};

class namespace_reconciler {
 public:
  namespace_reconciler(kube::client& api, cronjob_manager& manager, reconciler_options options);

  // Blocks until `stop` becomes true.
  void run(const std::atomic<bool>& stop);
  // One pass over every namespace (listed through the manager's store).
  result<resync_summary> resync_once(std::chrono::system_clock::time_point now);
  // Converges one namespace object (from a watch event or a list).
  result<converge_result> converge_object(const kube::json& namespace_object,
                                          std::chrono::system_clock::time_point now);

 private:
  kube::client& api_;
  cronjob_manager& manager_;
  reconciler_options options_;
};

}  // namespace devenv::schedule
