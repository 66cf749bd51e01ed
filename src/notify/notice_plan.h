// notice_plan: which Slack notices the scheduler owes right now — shutdown warnings ("dev1 stops in 15
// minutes") and the after-stop message ("the scheduled shutdown stopped dev1") — for every environment, from
// what Kubernetes shows (namespace annotations, the CronJob's next shutdown) and what was already sent
// (devenv-scaler/notified). Environments due at the same instant in the same channel share ONE message.
// Pure: time comes in as `now`; plain values, safe to copy between threads.
//
// The notified annotation is warning_plan's {"for": T, "sent": [...]} plus "stopped": the time of the
// scheduled stop whose after-stop message was sent, so neither is sent twice by any replica.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "env/workload.h"
#include "schedule/warning_plan.h"

namespace devenv::notify {

using time_point = std::chrono::system_clock::time_point;

inline constexpr std::string_view slack_channel_annotation = "devenv-scaler/slack-channel";
inline constexpr std::string_view owner_annotation = "devenv-scaler/owner";

// One environment as observed.
struct environment_view {
  std::string ns;
  std::string channel;   // devenv-scaler/slack-channel; empty: the default channel
  std::string owner;     // devenv-scaler/owner (Slack user id); empty: nobody to mention
  bool stopped = false;  // devenv-scaler/state is "stopped"
  // The CronJob's next shutdown (none: no CronJob, suspended, or stopped).
  std::optional<time_point> next_shutdown;
  std::string notified;                  // devenv-scaler/notified as found ("" when absent)
  std::optional<env::last_action> last;  // devenv-scaler/last-action
  std::string resource_version;          // of the Namespace, for the claim
};

struct notice_options {
  std::vector<std::chrono::minutes> offsets{std::chrono::minutes{60}, std::chrono::minutes{30},
                                            std::chrono::minutes{15}};
  std::string default_channel;
  // The shutdown Job's service account: a stop whose actor names system:serviceaccount:<ns>:<this> is the
  // scheduled stop.
  std::string service_account = "devenv-shutdown";
  // An after-stop message older than this is not worth sending any more (the scaler was down).
  std::chrono::minutes stop_notice_window{120};
  // The Job runs a few seconds after T; a stop recorded this long before T still counts as the scheduled one
  // (clock skew between the API server and us).
  std::chrono::seconds stop_skew{60};
};

enum class notice_kind { warning, stopped };

// One environment in a message, with the annotation to write before sending (the claim).
struct notice_item {
  std::string ns;
  std::string owner;
  std::string annotation;        // the new devenv-scaler/notified
  std::string previous;          // the annotation as found, to restore when sending fails
  std::string resource_version;  // the Namespace's, as read
};

struct planned_notice {
  notice_kind kind = notice_kind::warning;
  std::string channel;
  time_point shutdown{};             // T (warnings); the stop's T or time (stopped)
  std::chrono::minutes remaining{};  // warnings: "in N minutes"
  std::vector<notice_item> items;    // sorted by namespace
};

struct notice_plan {
  std::vector<planned_notice> notices;  // warnings first, then after-stop messages; by channel, then time
  std::vector<std::string> skipped;     // "<ns>: no channel" and similar, for the log
  // The earliest instant at which a warning becomes due (none: nothing scheduled).
  std::optional<time_point> wake_at;
};

notice_plan plan_notices(const std::vector<environment_view>& environments, const notice_options& options,
                         time_point now);

// The "stopped" field of a notified annotation (none when absent or unreadable).
std::optional<time_point> parse_stop_noticed(std::string_view annotation);
// warning_plan's annotation with `stopped` added (kept from `previous` when not given).
std::string notified_annotation(const schedule::notified_record& record, std::optional<time_point> stopped);

// True when `last` is the scheduled stop of `ns` (a stop by its shutdown Job's service account that did not
// fail entirely).
bool is_scheduled_stop(const env::last_action& last, std::string_view ns, std::string_view service_account);

}  // namespace devenv::notify
