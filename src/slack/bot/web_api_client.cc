#include "slack/bot/web_api_client.h"

#include <charconv>
#include <thread>

#include "slack/form.h"

namespace devenv::slack {

namespace {

// Retry-After is whole seconds for Slack; an absent or unreadable value means "soon".
std::chrono::seconds retry_after(const http::client_response& r) {
  const auto text = r.header("retry-after");
  long long seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || seconds < 0) return std::chrono::seconds(1);
  return std::chrono::seconds(std::min<long long>(seconds, 24 * 3600));
}

errc code_for_slack_error(std::string_view e) {
  if (e == "not_authed" || e == "invalid_auth" || e == "token_revoked" || e == "account_inactive" ||
      e == "token_expired")
    return errc::unauthorized;
  if (e == "missing_scope" || e == "not_in_channel" || e == "channel_not_found" || e == "no_permission")
    return errc::forbidden;
  if (e == "ratelimited") return errc::too_many_requests;
  return errc::invalid_argument;
}

}  // namespace

web_api_client::web_api_client(web_api_options options, std::shared_ptr<http::curl_client> http,
                               sleep_function sleep)
    : options_(std::move(options)), http_(std::move(http)), sleep_(std::move(sleep)) {
  if (!http_) http_ = std::make_shared<http::curl_client>();
  if (!sleep_) sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
}

result<http::client_response> web_api_client::send(http::client_request request,
                                                   std::string_view what) const {
  request.timeout = options_.timeout;
  request.connect_timeout = std::min(options_.timeout, std::chrono::milliseconds(5000));
  auto backoff = options_.backoff;
  for (int attempt = 0;; ++attempt) {
    auto r = http_->perform(request);
    const bool last = attempt >= options_.retries;
    if (!r) {
      // Only a failure before anything was sent is safe to repeat: Slack may have posted otherwise.
      if (last || r.error().message.rfind("connect:", 0) != 0) {
        return fail(r.error().code, std::string(what) + ": " + r.error().message);
      }
      sleep_(backoff);
      backoff *= 2;
      continue;
    }
    if (r->status == 429) {
      const auto wait = retry_after(*r);
      if (last || wait > options_.max_retry_after) {
        return fail(errc::too_many_requests, std::string(what) + ": rate limited by Slack (Retry-After " +
                                                 std::to_string(wait.count()) + " s)");
      }
      sleep_(std::chrono::duration_cast<std::chrono::milliseconds>(wait));
      continue;
    }
    if (r->status >= 500 && !last) {
      sleep_(backoff);
      backoff *= 2;
      continue;
    }
    return r;
  }
}

result<nlohmann::json> web_api_client::interpret(const http::client_response& r,
                                                 std::string_view method) const {
  if (r.status >= 500) {
    return fail(errc::unavailable, std::string(method) + ": Slack answered HTTP " + std::to_string(r.status));
  }
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(errc::unavailable,
                std::string(method) + ": HTTP " + std::to_string(r.status) + " without a JSON object");
  }
  if (j.value("ok", false) != true) {
    const auto e =
        j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "unknown_error";
    return fail(code_for_slack_error(e), std::string(method) + ": " + e);
  }
  return j;
}

result<nlohmann::json> web_api_client::call(std::string_view method, const nlohmann::json& arguments) const {
  if (options_.bot_token.empty()) {
    return fail(errc::unauthorized, std::string(method) + ": no bot token configured");
  }
  http::client_request req;
  req.method = "POST";
  req.url = options_.base_url + "/" + std::string(method);
  req.headers = {{"Content-Type", "application/json; charset=utf-8"},
                 {"Authorization", "Bearer " + options_.bot_token}};
  req.body = arguments.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto r = send(std::move(req), method);
  if (!r) return tl::unexpected(r.error());
  return interpret(*r, method);
}

result<nlohmann::json> web_api_client::call_form(
    std::string_view method, const std::vector<std::pair<std::string, std::string>>& arguments) const {
  if (options_.bot_token.empty()) {
    return fail(errc::unauthorized, std::string(method) + ": no bot token configured");
  }
  http::client_request req;
  req.method = "POST";
  req.url = options_.base_url + "/" + std::string(method);
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Authorization", "Bearer " + options_.bot_token}};
  for (const auto& [k, v] : arguments) {
    if (!req.body.empty()) req.body += '&';
    req.body += encode_form_value(k) + "=" + encode_form_value(v);
  }
  auto r = send(std::move(req), method);
  if (!r) return tl::unexpected(r.error());
  return interpret(*r, method);
}

result<std::string> web_api_client::post_message(std::string_view channel, const message& m) const {
  auto body = to_json(m);
  body.erase("response_type");
  body.erase("replace_original");
  body["channel"] = channel;
  auto r = call("chat.postMessage", body);
  if (!r) return tl::unexpected(r.error());
  return r->value("ts", std::string());
}

result<void> web_api_client::post_ephemeral(std::string_view channel, std::string_view user,
                                            const message& m) const {
  auto body = to_json(m);
  body.erase("response_type");
  body.erase("replace_original");
  body["channel"] = channel;
  body["user"] = user;
  auto r = call("chat.postEphemeral", body);
  if (!r) return tl::unexpected(r.error());
  return {};
}

result<void> web_api_client::respond(std::string_view response_url, const message& m) const {
  bool allowed = false;
  for (const auto& prefix : options_.response_url_prefixes) {
    if (!prefix.empty() && response_url.starts_with(prefix)) allowed = true;
  }
  if (!allowed) return fail(errc::invalid_argument, "response_url is not on an allowed Slack host");
  http::client_request req;
  req.method = "POST";
  req.url = std::string(response_url);
  req.headers = {{"Content-Type", "application/json; charset=utf-8"}};
  req.body = to_json(m).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // The URL itself is a credential: errors name it only as "response_url".
  auto r = send(std::move(req), "response_url");
  if (!r) return tl::unexpected(r.error());
  if (r->status != 200) {
    // 404 expired_url / used_url: the 30 minutes or the 5 posts are spent; nothing to retry.
    return fail(
        r->status == 404 ? errc::not_found : errc::unavailable,
        "response_url: Slack answered HTTP " + std::to_string(r->status) + " " + r->body.substr(0, 100));
  }
  return {};
}

result<std::vector<std::string>> web_api_client::usergroup_members(std::string_view group_id) const {
  auto r = call_form("usergroups.users.list", {{"usergroup", std::string(group_id)}});
  if (!r) return tl::unexpected(r.error());
  std::vector<std::string> users;
  if (!r->contains("users") || !(*r)["users"].is_array()) {
    return fail(errc::unavailable, "usergroups.users.list: answer without users[]");
  }
  for (const auto& u : (*r)["users"]) {
    if (u.is_string()) users.push_back(u.get<std::string>());
  }
  return users;
}

}  // namespace devenv::slack
