// Shutdown warnings: which "your environment stops in N minutes" message to send now, given the warning
// offsets, the REAL next shutdown T (from the CronJob's current schedule, so prolongations move the
// warnings too: original.md defect 2) and what was already sent for which T (annotation
// devenv-scaler/notified). Pure functions; plain values.
//
// Rules: offset o is due once now >= T - o. All due offsets not yet sent for this T collapse into ONE
// message saying the real remaining time (rounded up to minutes): coming back at T-40 with nothing sent
// sends "in 40 minutes" and marks 60 as covered. A different T (prolongation, next day) starts a fresh
// series. Nothing is sent at or after T.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace devenv::schedule {

struct notified_record {
  std::optional<std::chrono::system_clock::time_point> shutdown;  // the T the offsets were sent for
  std::set<int> sent;                                             // offsets in minutes
  friend bool operator==(const notified_record&, const notified_record&) = default;
};

struct warning_decision {
  // Send one warning saying "in *send minutes"; none means send nothing now.
  std::optional<std::chrono::minutes> send;
  // The record to store once the warning was sent (unchanged when nothing is sent).
  notified_record record;
  // When to evaluate again: the next pending offset, or T once all are done; none without a T.
  std::optional<std::chrono::system_clock::time_point> wake_at;
};

warning_decision decide_warning(const std::vector<std::chrono::minutes>& offsets,
                                std::optional<std::chrono::system_clock::time_point> next_shutdown,
                                const notified_record& notified, std::chrono::system_clock::time_point now);

// {"for":"2026-11-27T18:00:00Z","sent":[60,30]} (sent in descending order).
std::string to_annotation(const notified_record& record);
// Tolerant: garbage, a missing or bad "for" give an empty record; non-integer "sent" items are skipped.
notified_record parse_notified(std::string_view text);

}  // namespace devenv::schedule
