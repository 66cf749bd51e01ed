// environment_service: the executor of the environment domain. It reads an environment through a
// workload_store, asks the pure planner what to do, applies the plan (the steps of a group concurrently,
// groups in order), re-reads and re-plans a workload whose PATCH lost a race (409), and records the outcome
// on the namespace (devenv-scaler/state, devenv-scaler/last-action) and as a Kubernetes Event.
//
// Thread-safety: all methods may be called concurrently (the service holds no mutable state; the store
// must be thread-safe). Two concurrent operations on the same environment are safe at the workload level:
// every PATCH carries the resourceVersion it was planned from, so the loser re-reads and re-plans and
// never overwrites a saved count; the namespace record is last-writer-wins.
//
// Outcome rules:
//   - Precondition failures are errors, nothing is changed: invalid name (invalid_argument), protected
//     namespace (protected_namespace), absent namespace (not_found), the workloads cannot be listed.
//   - Otherwise the result is an operation_report with one item per workload: ok (patched), skipped (nothing
//     to do, with the reason) or failed (with the error). A failed item never stops the others; running the
//     same action again finishes the job, because the planner only plans what is still to do.
//   - devenv-scaler/state is set to the action's target ("stopped"/"running") when at least one workload
//     was patched or nothing failed; when every attempted workload failed it is left as it was, since
//     nothing changed. devenv-scaler/last-action is always written (with outcome ok/partial/failed): a
//     failed attempt is still an action someone took. A failure to write these records or the Event does
//     not fail the operation (the workloads did change); it is listed in report.warnings.
//   - Event reason DevenvStopped / DevenvStarted (Normal) when nothing failed, else DevenvPartialFailure
//     (Warning); the message carries the counts and the first failures.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "env/external_resources.h"
#include "env/planner.h"
#include "env/protection.h"
#include "env/status.h"
#include "env/workload.h"
#include "env/workload_store.h"

namespace devenv::env {

struct service_options {
  std::vector<std::string> protected_globs = protection_policy::default_globs();
  std::string own_namespace;  // the scaler's own namespace; always protected
  std::string schedule_label_key{default_scheduler_label};
  int max_concurrency = 4;       // workloads patched at once within one group (the client rate-limits too)
  int max_conflict_retries = 5;  // re-read/re-plan rounds per workload after 409 before giving up
  // EC2/RDS of an environment (issue 7); null when AWS is not configured: workloads only. Stop acts on them
  // after the workloads, start before (so databases are up when the pods come). Must outlive the service.
  external_resources* external = nullptr;
};

enum class item_outcome { ok, skipped, failed };
std::string_view to_string(item_outcome outcome);  // "ok" / "skipped" / "failed"

struct item_report {
  workload_kind kind = workload_kind::deployment;
  std::string name;
  int from = 0;  // replicas before
  int to = 0;    // replicas after (== from unless ok)
  item_outcome outcome = item_outcome::skipped;
  std::string message;
};

struct operation_report {
  std::string ns;
  env_action action = env_action::stop;
  std::vector<item_report> items;        // in the order the plan applied them, then the skipped ones
  std::vector<resource_item> resources;  // EC2/RDS, in the order acted upon; counted in ok/skipped/failed
  int ok = 0;
  int skipped = 0;
  int failed = 0;
  std::vector<std::string> warnings;  // the namespace record or the Event could not be written

  bool succeeded() const { return failed == 0; }
};

struct environment_summary {
  std::string ns;
  env_state state = env_state::running;
  schedule_label schedule;
  int workloads = 0;  // Deployments and StatefulSets, excluded ones included
  std::string error;  // non-empty when this namespace could not be read; state is then meaningless
  // devenv-scaler/state as found ("" when absent): written when a stop/start has finished, so it says
  // whether one completed, where `state` only says what the workloads look like now.
  std::string recorded_state;
};

// One managed namespace in statuses(): its full status, or why its workloads could not be read.
struct status_entry {
  std::string ns;
  result<environment_status> status;
};

using wall_clock = std::function<std::chrono::system_clock::time_point()>;
// Called once per stop/start with its result (success or error), e.g. to count operations in metrics.
// Called from the thread that ran the operation, so it must be thread-safe when operations run concurrently.
using operation_observer = std::function<void(env_action, const result<operation_report>&)>;

class environment_service {
 public:
  // `store` must outlive the service.
  environment_service(workload_store& store, wall_clock clock, service_options options = {},
                      operation_observer observer = {});

  result<operation_report> stop(std::string_view ns, const action_origin& origin);
  result<operation_report> start(std::string_view ns, const action_origin& origin);
  result<operation_report> run(env_action action, std::string_view ns, const action_origin& origin);

  // The status of one environment. An invalid name is an error; a protected or absent namespace is a
  // status with state not_managed / not_found.
  result<environment_status> status(std::string_view ns);

  // Every non-protected namespace with its state, sorted by name. A namespace whose workloads cannot be
  // read is listed with `error` set rather than failing the whole list.
  result<std::vector<environment_summary>> list();

  // The full status of every managed namespace, sorted by name, from the same three reads as list().
  result<std::vector<status_entry>> statuses();

  const protection_policy& protection() const { return protection_; }

 private:
  result<operation_report> execute(env_action action, std::string_view ns, const action_origin& origin);
  item_report apply_step(env_action action, std::string_view ns, plan_step step);
  std::vector<resource_item> act_on_external(env_action action, std::string_view ns);
  // EC2/RDS from the inventory, when configured; a throwing provider is reported in the status.
  void add_external(environment_status& status);
  // Writes the namespace record and the Event; returns what could not be written. `state_before_start` is
  // the state a start marked "starting" replaced (restored when the start changed nothing).
  std::vector<std::string> record(const operation_report& report, const action_origin& origin,
                                  const std::optional<std::string>& state_before_start);
  // Merge-patches our own annotations onto the namespace (null removes one), re-reading on 409; returns the
  // error text, empty on success.
  std::string write_annotations(std::string_view ns, const nlohmann::json& annotations);

  workload_store& store_;
  wall_clock clock_;
  service_options options_;
  operation_observer observer_;
  protection_policy protection_;
};

}  // namespace devenv::env
