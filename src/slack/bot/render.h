// Renders environment-domain results as Slack messages: the acknowledgement of an action, its outcome
// (in_channel, so the team sees who did what), an environment's status, the list of environments, access
// denials and failures (ephemeral). Block Kit with a plain fallback text, always inside Slack's limits
// (slack::blocks enforces them; long lists are summarised). Pure; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "env/environment_service.h"
#include "schedule/cronjob_manager.h"
#include "slack/bot/access_policy.h"
#include "slack/message.h"

namespace devenv::slack {

// Who acted, as Slack shows it: "<@U123>" (a mention renders as the person's current display name).
struct slack_actor {
  std::string user_id;
  std::string user_name;  // as sent by Slack; for the audit record only
};

// "Stopping `dev1`…" (ephemeral): the immediate answer while the action runs in the background.
message render_ack(env::env_action action, std::string_view environment);
// "Looking up `dev1`…" (ephemeral): a read that did not finish within the inline budget.
message render_pending_read(std::string_view what);

// The outcome of a stop/start (in_channel): who, what, counts, and the workloads that changed or failed.
message render_report(const env::operation_report& report, const slack_actor& actor);
// An action or read that could not run at all (ephemeral): not found, protected, Kubernetes unavailable.
message render_failure(std::string_view action, std::string_view environment, const error& e);

// One environment (ephemeral): state, each workload with ready/desired, the next shutdown when known and
// the last action.
message render_status(const env::environment_status& status,
                      std::optional<std::chrono::system_clock::time_point> next_shutdown = std::nullopt);
// Every environment (ephemeral), one line each; a long list is summarised.
message render_list(const std::vector<env::environment_summary>& environments);

message render_denial(const access_decision& decision);
// prolongate and support until their features land (ephemeral).
message render_not_enabled(std::string_view feature);

// A prolongation that took effect, for the channel: who moved tonight's shutdown of which environment, by
// how much, and when it will now stop (in the configured zone).
message render_prolonged(std::string_view environment, const slack_actor& actor, std::chrono::minutes by,
                         const schedule::schedule_change& change);

}  // namespace devenv::slack
