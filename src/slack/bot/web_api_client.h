// web_api_client: devenv-scaler's calls to Slack — chat.postMessage, chat.postEphemeral, posts to a slash
// command's response_url, and usergroups.users.list — over the project's curl_client. Web API calls carry
// `Authorization: Bearer xoxb-…`; Slack answers HTTP 200 with {"ok": false, "error": "..."} for most
// failures, which become errors here. A 429 is retried after its Retry-After (capped), a 5xx or a failure to
// connect after a short backoff; a timeout after the request was sent is not retried, since Slack may have
// posted the message already.
//
// Thread-safety: all methods are blocking and may be called from any number of threads at once (run them on
// the worker pool, never on the I/O thread). The bot token is never logged nor put into an error.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "http/curl_client.h"
#include "slack/message.h"

namespace devenv::slack {

struct web_api_options {
  std::string base_url = "https://slack.com/api";  // no trailing slash
  std::string bot_token;
  std::vector<std::string> response_url_prefixes = {"https://hooks.slack.com/"};
  std::chrono::milliseconds timeout{10'000};  // per attempt
  int retries = 3;                            // extra attempts after a 429, a 5xx or a failed connect
  std::chrono::seconds max_retry_after{30};   // a longer Retry-After fails with too_many_requests instead
  std::chrono::milliseconds backoff{200};     // first 5xx backoff, doubled per attempt
};

// Waits between attempts; injected so tests record the waits instead of sleeping.
using sleep_function = std::function<void(std::chrono::milliseconds)>;

class web_api_client {
 public:
  // `http` may be shared with other clients; nullptr creates a private one.
  explicit web_api_client(web_api_options options, std::shared_ptr<http::curl_client> http = nullptr,
                          sleep_function sleep = {});

  // A Web API method with a JSON body (chat.*). Returns the whole answer when "ok" is true; an "ok": false
  // answer is an error whose message is Slack's error code (errc::unauthorized for token problems,
  // errc::too_many_requests for ratelimited, errc::invalid_argument otherwise).
  result<nlohmann::json> call(std::string_view method, const nlohmann::json& arguments) const;
  // The same for methods that take form arguments only (usergroups.users.list).
  result<nlohmann::json> call_form(std::string_view method,
                                   const std::vector<std::pair<std::string, std::string>>& arguments) const;

  // chat.postMessage; returns the message's ts.
  result<std::string> post_message(std::string_view channel, const message& m) const;
  // chat.postEphemeral: only `user` sees it.
  result<void> post_ephemeral(std::string_view channel, std::string_view user, const message& m) const;
  // A post to a slash command's response_url (no token: the URL is the credential). The URL must start
  // with one of response_url_prefixes (errc::invalid_argument otherwise).
  result<void> respond(std::string_view response_url, const message& m) const;
  // usergroups.users.list: the user ids of a user group (needs the usergroups:read scope).
  result<std::vector<std::string>> usergroup_members(std::string_view group_id) const;

  const web_api_options& options() const { return options_; }

 private:
  // One logical request with the retry policy; `what` names it in errors.
  result<http::client_response> send(http::client_request request, std::string_view what) const;
  result<nlohmann::json> interpret(const http::client_response& r, std::string_view method) const;

  web_api_options options_;
  std::shared_ptr<http::curl_client> http_;
  sleep_function sleep_;
};

}  // namespace devenv::slack
