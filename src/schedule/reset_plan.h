// Morning reset: when to restore a CronJob's working-day schedule. Pure functions of (config, observed
// CronJob, now); the leader's timer executes them.
//
// The reset instant is the configured reset wall time on EVERY day (not only workdays), so a Friday
// prolongation that ended on Saturday is undone on Saturday morning rather than lingering until Monday.
// A reset wall time inside a DST gap runs at the end of the gap (e.g. 02:30 -> 03:00 CEST).
#pragma once

#include <chrono>

#include "schedule/config.h"
#include "schedule/cronjob_state.h"

namespace devenv::schedule {

// True when the CronJob must be given the default schedule again:
//   - false when it already has the default schedule and zone (idempotent), whatever its annotations;
//   - otherwise true when its prolongation has expired: prolonged-until <= now; without that
//     annotation, when its schedule is a date-exact one-shot whose instant is already past;
//   - true for a schedule we cannot parse or did not write (neither default nor one-shot, no
//     annotation): it drifted from what we manage and the default is the truth.
bool needs_reset(const schedule_config& config, const cronjob_state& cronjob,
                 std::chrono::system_clock::time_point now);

// The first reset instant strictly after `now`.
std::chrono::system_clock::time_point next_reset_instant(const schedule_config& config,
                                                         std::chrono::system_clock::time_point now);

}  // namespace devenv::schedule
