// cronjob_manager: executes the schedule decisions on the per-namespace shutdown CronJob
// (`devenv-shutdown`, DESIGN.md section 3) through a cronjob_store: builds the desired CronJob and converges
// to it, applies prolongations, the morning reset and after-hours one-shots, and reads the next shutdown.
// The decisions themselves are the pure functions of this module (plan_prolong, needs_reset,
// plan_after_hours_start, next_shutdown); time always comes in as `now`.
//
// Thread-safety: all methods may be called concurrently; the manager holds no mutable state. Every write is
// a merge patch carrying the resourceVersion it was planned from, so concurrent writers (two replicas, the
// webhook's converge racing the reconciler) re-read and re-plan on 409 instead of overwriting each other.
// Converging is idempotent: a CronJob that already matches is not written.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "env/protection.h"
#include "schedule/ca_distributor.h"
#include "schedule/cronjob_state.h"
#include "schedule/cronjob_store.h"
#include "schedule/prolong_plan.h"
#include "schedule/schedule_settings.h"

namespace devenv::schedule {

inline constexpr std::string_view managed_by_label = "app.kubernetes.io/managed-by";
inline constexpr std::string_view managed_by_value = "devenv-scaler";
inline constexpr std::string_view prolonged_until_annotation = "devenv-scaler/prolonged-until";
inline constexpr std::string_view prolonged_by_annotation = "devenv-scaler/prolonged-by";
// On the Namespace, written by the warning runner (src/notify): which warnings went out for which shutdown
// instant. A moved shutdown needs no clearing: a record for another instant starts a fresh series.
inline constexpr std::string_view notified_annotation = "devenv-scaler/notified";

struct manager_options {
  std::string label_key = "scheduler";
  env::protection_policy protection;
  int max_conflict_retries = 5;  // re-read/re-plan rounds after a 409
  // Our serving CA (PEM), distributed into settings.cronjob.ca_configmap in each managed namespace when both
  // are set (ca_distributor.h). Null: the ConfigMap is left to the operator.
  std::function<result<std::string>()> ca_bundle;
};

enum class converge_action { created, patched, unchanged, skipped };
std::string_view to_string(converge_action action);

struct converge_result {
  converge_action action = converge_action::unchanged;
  bool suspended = false;
  std::string reason;  // for skipped: protected, terminating
};

struct schedule_change {
  one_shot shutdown;        // the schedule written; shutdown.at is the new prolonged-until
  std::string description;  // "21:00 CET, in 3 h" in the configured zone
};

struct reset_report {
  int checked = 0;                  // managed CronJobs looked at
  std::vector<std::string> reset;   // namespaces whose default schedule was restored
  std::vector<std::string> errors;  // "<ns>: <message>"
};

// What status and list show about an environment's shutdown.
struct shutdown_info {
  bool has_cronjob = false;
  bool suspended = false;
  std::optional<std::chrono::system_clock::time_point> at;
  std::string local;        // "19:00 CET", "tomorrow 19:00 CET"; empty without `at`
  std::string relative;     // "in 2 h 15 min"; empty without `at`
  std::string description;  // the whole sentence, or why there is no shutdown
  std::optional<std::chrono::system_clock::time_point> prolonged_until;
  std::string prolonged_by;
};

// The CronJob fields the schedule logic reads (spec.schedule, spec.timeZone, spec.suspend, annotations).
cronjob_state read_cronjob_state(const json& cronjob);

class cronjob_manager {
 public:
  cronjob_manager(cronjob_store& store, schedule_settings settings, manager_options options);

  // The CronJob we want in `ns` (default schedule), suspended or not. Pure.
  json desired_cronjob(std::string_view ns, bool suspend) const;

  // Reads the namespace and converges its CronJob: creates it (and the ServiceAccount) when missing,
  // merge-patches what differs (suspend per label, Job template, limits), keeps a live prolongation's
  // one-shot schedule and annotations, restores the default schedule when the prolongation has expired;
  // then keeps the CA ConfigMap current (a failure there is an error after the CronJob converged).
  // errc::not_found when the namespace does not exist (yet); protected or terminating → skipped.
  result<converge_result> converge(std::string_view ns, std::chrono::system_clock::time_point now);
  // The same from a Namespace object already read (the reconciler's snapshot).
  result<converge_result> converge_namespace(const json& namespace_object,
                                             std::chrono::system_clock::time_point now);

  // Moves the next shutdown of a running environment by `requested` (plan_prolong), recording
  // prolonged-until/-by and clearing notified. Creates the CronJob first when it is missing.
  result<schedule_change> prolong(std::string_view ns, std::chrono::minutes requested, env_state env,
                                  std::string_view actor, std::chrono::system_clock::time_point now);

  // Restores the default schedule on every managed CronJob (found by label, all namespaces) whose
  // prolongation has expired (needs_reset). Idempotent. Per-CronJob failures are collected, not fatal.
  result<reset_report> reset_all(std::chrono::system_clock::time_point now);

  // After a manual start: outside working hours, writes the one-shot at now + after_hours_start
  // (plan_after_hours_start). None inside working hours, when scheduling is suspended, or when a live
  // prolongation already ends later.
  result<std::optional<schedule_change>> after_hours_start(std::string_view ns, std::string_view actor,
                                                           std::chrono::system_clock::time_point now);

  // The next shutdown of one environment.
  result<shutdown_info> next_shutdown(std::string_view ns, env_state env,
                                      std::chrono::system_clock::time_point now);
  // The CronJob state of every managed namespace, for list (one LIST instead of one GET per namespace).
  result<std::map<std::string, cronjob_state>> read_all();
  // Pure: the shutdown_info for an observed CronJob (none: there is no CronJob).
  shutdown_info describe(const std::optional<cronjob_state>& cronjob, env_state env,
                         std::chrono::system_clock::time_point now) const;

  const schedule_settings& settings() const { return settings_; }
  const manager_options& options() const { return options_; }

 private:
  result<json> get_or_create(std::string_view ns, std::chrono::system_clock::time_point now);
  result<void> ensure_service_account(std::string_view ns);
  result<converge_result> converge_cronjob(std::string_view ns, bool suspend,
                                           std::chrono::system_clock::time_point now);
  std::string label_selector() const;

  cronjob_store& store_;
  schedule_settings settings_;
  manager_options options_;
  std::shared_ptr<ca_distributor> ca_;  // null unless a CA ConfigMap and its source are configured
};

// The merge patch turning `current` into something that contains `desired` (objects compared key by key,
// arrays replaced whole unless every element of `desired` is contained in the same element of `current`).
// Null when `current` already contains `desired`. Pure; exposed for tests.
json containment_patch(const json& current, const json& desired);

}  // namespace devenv::schedule
