// slack_settings: the Slack configuration of devenv-scaler — signing secret, bot token, Web API base URL,
// where response_url posts may go, the default channel, access rules and timeouts — read from the `slack:`
// mapping of the configuration file and from the environment. Secrets come only from the environment
// (DEVENV_SLACK_SIGNING_SECRET, DEVENV_SLACK_BOT_TOKEN) or from files named by the *_FILE variants, so the
// configuration file can be shared; they are never logged. A value type.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "slack/bot/access_policy.h"

namespace devenv::slack {

struct slack_settings {
  bool enabled = false;        // true when a signing secret is configured: without it no request verifies
  std::string signing_secret;  // DEVENV_SLACK_SIGNING_SECRET(_FILE); never logged
  std::string bot_token;       // DEVENV_SLACK_BOT_TOKEN(_FILE); xoxb-…; empty: no Web API calls
  std::string api_base_url = "https://slack.com/api";  // slack.api_base_url: tests point it at a fake Slack
  // response_url values must start with one of these, so a signed but unexpected URL cannot make the server
  // post elsewhere (slack.response_url_prefixes).
  std::vector<std::string> response_url_prefixes = {"https://hooks.slack.com/"};
  std::string default_channel;  // slack.default_channel: channel id for unsolicited messages
  std::chrono::seconds signature_tolerance{300};      // slack.signature_tolerance
  std::chrono::milliseconds fast_read_timeout{2000};  // slack.fast_read_timeout: status/list answer inline
  std::chrono::milliseconds web_api_timeout{10'000};  // slack.web_api_timeout: per Web API attempt
  int web_api_retries = 3;                            // slack.web_api_retries: extra attempts on 429/5xx
  std::chrono::seconds max_retry_after{30};           // slack.max_retry_after: longest 429 wait honoured
  std::chrono::seconds usergroup_cache_ttl{300};      // slack.usergroup_cache_ttl
  access_policy access;                               // slack.access
  // slack.shutdown_warnings: post the shutdown warnings and the after-stop message (src/notify). The offsets
  // are the schedule's (schedule.warnings), not a second list here that could disagree.
  bool shutdown_warnings = true;
};

using env_lookup = std::function<std::optional<std::string>(std::string_view)>;

// `node` is the `slack:` mapping and may be undefined or null (all defaults; enabled when the secret is in
// the environment). Unknown keys are errors naming the key; durations are written like "10s", "2m", "500ms"
// or as a number of seconds. errc::invalid_argument or errc::not_found (an unreadable *_FILE).
result<slack_settings> parse_slack_settings(const YAML::Node& node, const env_lookup& env);

}  // namespace devenv::slack
