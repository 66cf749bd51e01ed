#include "slack/bot/interactions.h"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "core/offload.h"
#include "slack/bot/render.h"
#include "slack/form.h"
#include "slack/interaction.h"
#include "slack/mrkdwn.h"
#include "slack/signature.h"

namespace devenv::slack {

namespace {

using clock_point = std::chrono::system_clock::time_point;

// Signatures seen within the tolerance window: a captured click sent again a second later verifies, so it
// is refused here. Older ones are refused by the timestamp check already and are forgotten.
class replay_guard {
 public:
  // True the first time `signature` is seen.
  bool first_use(const std::string& signature, clock_point now, std::chrono::seconds tolerance) {
    std::lock_guard lock(mutex_);
    for (auto it = seen_.begin(); it != seen_.end();) it = it->second < now ? seen_.erase(it) : std::next(it);
    return seen_.emplace(signature, now + 2 * tolerance).second;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, clock_point> seen_;
};

enum class button_kind { extend_1h, extend_2h, stop_now };

std::optional<button_kind> kind_of(std::string_view action_id) {
  if (action_id == extend_1h_action) return button_kind::extend_1h;
  if (action_id == extend_2h_action) return button_kind::extend_2h;
  if (action_id == stop_now_action) return button_kind::stop_now;
  return std::nullopt;
}

struct click {
  interaction who;
  button_kind kind = button_kind::stop_now;
  std::string environment;
  nlohmann::json original_blocks;  // message.blocks from the payload (null when absent)
  std::string original_text;       // message.text
};

std::string display(const interaction& i) {
  return i.user_name.empty() ? "<" + i.user_id + ">" : "@" + i.user_name;
}

// The original blocks with the environment's buttons replaced by `note`; the other environments of a grouped
// warning keep theirs.
nlohmann::json updated_blocks(const nlohmann::json& original, const std::string& environment,
                              const std::string& note) {
  const nlohmann::json context = {
      {"type", "context"}, {"elements", nlohmann::json::array({{{"type", "mrkdwn"}, {"text", note}}})}};
  if (!original.is_array()) {
    return nlohmann::json::array({{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", note}}}}});
  }
  nlohmann::json out = nlohmann::json::array();
  bool replaced = false;
  for (const auto& block : original) {
    bool ours = false;
    if (block.is_object() && block.value("type", "") == "actions" && block.contains("elements") &&
        block["elements"].is_array() && !block["elements"].empty()) {
      ours = true;
      for (const auto& e : block["elements"]) {
        if (!e.is_object() || !e.contains("value") || e["value"] != environment) ours = false;
      }
    }
    if (ours) {
      out.push_back(context);
      replaced = true;
    } else {
      out.push_back(block);
    }
  }
  if (!replaced) out.push_back(context);
  return out;
}

// Tells only the clicking person (the message stays as it was).
void tell(const slack_context& ctx, const click& c, message m) {
  m.type = response_type::ephemeral;
  m.replace_original = false;
  if (auto posted = ctx.web->respond(c.who.response_url, m); !posted) {
    spdlog::warn("slack: answering a button click failed: {}", posted.error().message);
  }
}

void show_outcome(const slack_context& ctx, const click& c, const std::string& note) {
  if (!c.who.channel_id.empty() && !c.who.message_ts.empty() && !ctx.settings->bot_token.empty()) {
    const std::string text = c.original_text.empty() ? note : c.original_text + "\n" + note;
    auto updated =
        ctx.web->call("chat.update", {{"channel", c.who.channel_id},
                                      {"ts", c.who.message_ts},
                                      {"text", text},
                                      {"blocks", updated_blocks(c.original_blocks, c.environment, note)}});
    if (updated) {
      ctx.metrics->increment("devenv_slack_message_updates_total",
                             {{"via", "chat.update"}, {"result", "ok"}});
      return;
    }
    spdlog::warn("slack: chat.update after a click failed ({}); using response_url", updated.error().message);
  }
  message m;
  m.text = note;
  m.body.section(note);
  m.type = response_type::in_channel;
  m.replace_original = true;
  auto posted = ctx.web->respond(c.who.response_url, m);
  ctx.metrics->increment("devenv_slack_message_updates_total",
                         {{"via", "response_url"}, {"result", posted ? "ok" : "error"}});
  if (!posted) spdlog::warn("slack: updating the message after a click failed: {}", posted.error().message);
}

// The whole click, on the worker pool: access, the work, the message update.
void handle_click(const slack_context& ctx, const click& c) {
  const std::string action = c.kind == button_kind::stop_now ? "stop" : "prolongate";
  access_subject subject{c.who.user_id, c.who.channel_id, {}};
  const auto& policy = ctx.settings->access;
  if (const auto candidates = policy.referenced_groups(); !candidates.empty() && ctx.groups != nullptr) {
    auto found = ctx.groups->groups_of(c.who.user_id, candidates);
    for (const auto& e : found.errors) spdlog::warn("slack: user group lookup: {}", e.message);
    subject.groups = std::move(found.groups);
  }
  const auto decision = policy.decide(subject, action, c.environment, ctx.environments->protection());
  if (!decision.allowed) {
    spdlog::info("slack: denied button {} {} to {} in {}", action, c.environment, c.who.user_id,
                 c.who.channel_id);
    ctx.metrics->increment("devenv_slack_interactions_total", {{"action", action}, {"result", "denied"}});
    tell(ctx, c, render_denial(decision));
    return;
  }
  const std::string actor = display(c.who) + " via Slack";
  const std::string who = "<@" + c.who.user_id + ">";
  const std::string env_code = quote_code(c.environment);

  if (c.kind == button_kind::stop_now) {
    auto report = ctx.environments->stop(c.environment, env::action_origin{actor, "slack"});
    if (!report) {
      ctx.metrics->increment("devenv_slack_interactions_total", {{"action", action}, {"result", "error"}});
      tell(ctx, c, render_failure("stop", c.environment, report.error()));
      return;
    }
    spdlog::info("slack: stop {} by {} ({}) from a warning: {} ok, {} skipped, {} failed", c.environment,
                 actor, c.who.user_id, report->ok, report->skipped, report->failed);
    ctx.metrics->increment("devenv_slack_interactions_total",
                           {{"action", action}, {"result", report->succeeded() ? "ok" : "partial"}});
    std::string note = ":octagonal_sign: " + who + " stopped " + env_code + " now";
    note +=
        report->failed == 0 ? "." : " (" + std::to_string(report->failed) + " workloads failed: see below).";
    show_outcome(ctx, c, note);
    if (report->failed > 0) tell(ctx, c, render_report(*report, slack_actor{c.who.user_id, c.who.user_name}));
    return;
  }

  const auto by = c.kind == button_kind::extend_1h ? std::chrono::minutes{60} : std::chrono::minutes{120};
  if (ctx.schedules == nullptr) {
    tell(ctx, c, render_not_enabled("prolongate"));
    return;
  }
  auto status = ctx.environments->status(c.environment);
  result<schedule::schedule_change> change = fail(errc::internal, "not run");
  if (!status) {
    change = tl::unexpected(status.error());
  } else if (status->state == env::env_state::not_found) {
    change = fail(errc::not_found, "environment `" + c.environment + "` does not exist");
  } else {
    const auto state = status->state == env::env_state::stopped ? schedule::env_state::stopped
                                                                : schedule::env_state::running;
    change = ctx.schedules->prolong(c.environment, by, state, actor, ctx.wall_clock());
  }
  if (!change) {
    ctx.metrics->increment("devenv_slack_interactions_total", {{"action", action}, {"result", "error"}});
    tell(ctx, c, render_failure("prolong", c.environment, change.error()));
    return;
  }
  spdlog::info("slack: prolong {} by {} min by {} ({}) from a warning", c.environment, by.count(), actor,
               c.who.user_id);
  ctx.metrics->increment("devenv_slack_interactions_total", {{"action", action}, {"result", "ok"}});
  show_outcome(ctx, c,
               ":white_check_mark: " + who + " extended " + env_code + " by " +
                   std::to_string(by.count() / 60) + " h: it now stops " +
                   escape_mrkdwn(change->description) + ".");
}

net::awaitable<void> click_task(slack_context ctx, click c) {
  co_await offload(*ctx.workers, [&] {
    try {
      handle_click(ctx, c);
    } catch (const std::exception& e) {
      spdlog::error("slack: handling a button click failed: {}", e.what());
    }
    return 0;
  });
}

struct refusal {
  unsigned status;
  std::string result;
  std::string text;
};

net::awaitable<http::response> handle(const slack_context& ctx, replay_guard& replays, http::request& req) {
  auto refuse = [&](const refusal& r) {
    ctx.metrics->increment("devenv_slack_interactions_total", {{"action", "none"}, {"result", r.result}});
    return http::response::text(r.status, r.text + "\n");
  };
  // 1. Authenticity first, exactly as for commands.
  if (req.body.size() > max_command_body_bytes)
    co_return refuse({413, "too_large", "request body too large"});
  const auto& settings = *ctx.settings;
  const auto now = ctx.wall_clock();
  const std::string signature(req.header("x-slack-signature"));
  auto verified = settings.signing_secret.empty()
                      ? result<void>(fail(errc::unauthorized, "no signing secret configured"))
                      : verify_signature(settings.signing_secret, req.header("x-slack-request-timestamp"),
                                         signature, req.body, now, settings.signature_tolerance);
  if (verified && !replays.first_use(signature, now, settings.signature_tolerance)) {
    verified = fail(errc::unauthorized, "this signed request was already received (replay)");
  }
  if (!verified) {
    spdlog::warn("slack: refused an interaction from {}: {}", req.remote_address, verified.error().message);
    co_return refuse({401, "unauthorized", "invalid Slack signature"});
  }

  // 2. The payload.
  auto form = decode_form(req.body);
  if (!form) co_return refuse({400, "bad_request", form.error().message});
  auto parsed = parse_interaction(*form);
  if (!parsed) co_return refuse({400, "bad_request", parsed.error().message});
  const auto& first = parsed->actions.front();
  const auto kind = kind_of(first.action_id);
  if (!kind || first.value.empty()) {
    // A button we did not render (an old message, another app's block): nothing to do, and Slack wants a 200.
    ctx.metrics->increment("devenv_slack_interactions_total", {{"action", "unknown"}, {"result", "ignored"}});
    co_return http::response::text(200, "");
  }
  click c;
  c.who = std::move(*parsed);
  c.kind = *kind;
  c.environment = first.value;
  try {
    const auto payload = nlohmann::json::parse(*form->single("payload").value());
    if (const auto m = payload.find("message"); m != payload.end() && m->is_object()) {
      if (m->contains("blocks")) c.original_blocks = (*m)["blocks"];
      if (m->contains("text") && (*m)["text"].is_string()) c.original_text = (*m)["text"].get<std::string>();
    }
  } catch (const std::exception&) {
    // parse_interaction read it already; the original message is only a nicety for the update.
  }

  // 3. Acknowledge now; the work runs on the worker pool.
  const auto executor = co_await net::this_coro::executor;
  net::co_spawn(executor, click_task(ctx, std::move(c)), [](std::exception_ptr e) {
    if (e) spdlog::error("slack: a button-click task ended with an exception");
  });
  co_return http::response::text(200, "");
}

}  // namespace

void add_slack_interaction_routes(http::router& router, const slack_context& context) {
  context.metrics->declare_counter("devenv_slack_interactions_total",
                                   "Slack button clicks (interactions) by action and result.");
  context.metrics->declare_counter("devenv_slack_message_updates_total",
                                   "Messages updated after a button click, by way and result.");
  auto replays = std::make_shared<replay_guard>();
  router.add("POST", "/slack/interactions",
             [ctx = context, replays](http::request& req, const http::path_params&)
                 -> net::awaitable<http::response> { co_return co_await handle(ctx, *replays, req); });
}

}  // namespace devenv::slack
