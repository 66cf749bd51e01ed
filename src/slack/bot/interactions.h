// The Slack interactivity route of devenv-scaler: POST /slack/interactions, where Slack posts button clicks
// (block_actions) from the shutdown warnings — "Extend 1h", "Extend 2h", "Stop now", each carrying the
// environment as its value. A request is verified exactly like a slash command (signature over the raw body,
// timestamp within tolerance, same body limit) and a signature seen before is refused as a replay; then it
// is acknowledged at once with an empty 200 (Slack's 3 s window) and handled on the worker pool: the same
// access rules as the equivalent command (`prolongate`, `stop`), then cronjob_manager::prolong or
// environment_service::stop, then the original message is updated (chat.update on its channel and ts, else
// response_url with replace_original) to show who did what. Denials and failures go to the clicking person
// only (an ephemeral response_url post); the message stays as it was.
//
// Thread-safety: as add_slack_routes (single-threaded I/O context; blocking work on the worker pool); the
// replay guard is internally locked.
#pragma once

#include <string_view>

#include "http/router.h"
#include "slack/bot/routes.h"

namespace devenv::slack {

// The action ids of the warning buttons; the button's value is the environment.
inline constexpr std::string_view extend_1h_action = "devenv_extend_1h";
inline constexpr std::string_view extend_2h_action = "devenv_extend_2h";
inline constexpr std::string_view stop_now_action = "devenv_stop_now";

// Registers POST /slack/interactions. `context` as for add_slack_routes (declares its own metrics); every
// pointer must outlive the handlers and the background work they start. Needs context.schedules for the
// extend buttons (without it they answer that prolongation is not enabled).
void add_slack_interaction_routes(http::router& router, const slack_context& context);

}  // namespace devenv::slack
