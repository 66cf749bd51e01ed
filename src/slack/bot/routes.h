// The Slack routes of devenv-scaler: POST /slack/commands, the /devenv slash command. Each request is
// verified (signature over the raw body, timestamp within tolerance) before anything else is read; then the
// form is decoded, the command parsed, access decided, and the command answered within Slack's 3 s window:
//   help, malformed input, denials, prolongate/support when not configured → an ephemeral answer at once;
//   support start|stop|list → run on the worker pool like status (the Slack user id owns the pod);
//   status, list → read on the worker pool and answered inline when the read finishes within
//                  settings.fast_read_timeout, else acknowledged and posted to response_url when done;
//   stop, start  → acknowledged at once ("Stopping `dev1`…"), run in the background on the worker pool,
//                  the outcome posted to response_url in_channel (errors ephemeral).
// Background tasks are counted (devenv_slack_background_total) and never throw out of their coroutine.
//
// Thread-safety: registration happens once; handlers run concurrently on the server's I/O context, which
// must be single-threaded (serve.cc runs io_context(1)): the fast-read deadline hands its timer between the
// worker pool and the I/O thread by posting to the handler's executor.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

#include "core/net.h"
#include "env/environment_service.h"
#include "http/router.h"
#include "metrics/registry.h"
#include "schedule/cronjob_manager.h"
#include "slack/bot/settings.h"
#include "slack/bot/usergroup_directory.h"
#include "slack/bot/web_api_client.h"
#include "support/support_service.h"

namespace devenv::slack {

// Slack's slash-command forms are a few kilobytes; anything much larger is not from Slack and is refused
// before the signature is computed over it.
inline constexpr std::size_t max_command_body_bytes = 64 << 10;

struct slack_context {
  env::environment_service* environments = nullptr;
  net::thread_pool* workers = nullptr;  // blocking Kubernetes and Slack calls run here
  metrics::registry* metrics = nullptr;
  std::function<std::chrono::system_clock::time_point()> wall_clock;  // for the signature's timestamp check
  const slack_settings* settings = nullptr;
  const web_api_client* web = nullptr;  // response_url posts (and the user group lookups below)
  // Resolves memberships of the user groups named by access rules; null when no rule names a group (then
  // group rules never apply).
  usergroup_directory* groups = nullptr;
  // Optional: the shutdown CronJobs, so status shows the next shutdown. Null: status shows none.
  schedule::cronjob_manager* schedules = nullptr;
  // Optional: support pods (`support start|stop|list`). Null: those commands answer "not enabled".
  support::support_service* support = nullptr;
};

// Declares the Slack metrics on context.metrics and registers the routes. Every pointer in `context` must
// outlive the router's handlers and every background task they start (run the I/O context to completion
// before destroying them).
void add_slack_routes(http::router& router, const slack_context& context);

}  // namespace devenv::slack
