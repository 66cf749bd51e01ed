// cronjob_state: what the schedule logic needs to know about an environment's shutdown CronJob
// (`devenv-shutdown`) and the environment itself, as observed from Kubernetes. Plain values and pure
// helpers over them.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>

#include "core/cron.h"
#include "core/error.h"
#include "schedule/config.h"

namespace devenv::schedule {

struct cronjob_state {
  std::string schedule;   // spec.schedule
  std::string time_zone;  // spec.timeZone; empty means UTC (see cronjob_zone)
  bool suspend = false;   // spec.suspend
  // Annotations devenv-scaler/prolonged-until (RFC 3339, parsed) and devenv-scaler/prolonged-by.
  std::optional<std::chrono::system_clock::time_point> prolonged_until;
  std::string prolonged_by;
};

enum class env_state { running, stopped };

// The zone the controller evaluates the schedule in. Without spec.timeZone the controller uses its own
// process zone, which we cannot observe; kube-controller-manager images run in UTC, so we assume UTC.
// Our own CronJobs always set spec.timeZone.
result<const date::time_zone*> cronjob_zone(const cronjob_state& cronjob);

// True when the CronJob carries exactly the working-day schedule of `config` in the configured zone.
bool has_default_schedule(const schedule_config& config, const cronjob_state& cronjob);

}  // namespace devenv::schedule
