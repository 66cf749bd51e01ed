#include "slack/bot/routes.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "core/offload.h"
#include "schedule/requested_action.h"
#include "slack/bot/render.h"
#include "slack/bot/support_render.h"
#include "slack/command.h"
#include "slack/form.h"
#include "slack/mrkdwn.h"
#include "slack/replies.h"
#include "slack/signature.h"
#include "slack/slash_command.h"

namespace devenv::slack {

namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

http::response reply(const message& m) {
  return http::response::json(200, to_json(m).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// What one request turned out to be, for the requests metric.
struct outcome {
  std::string command = "none";
  std::string result = "ok";
};

// GCC 12 may destroy a temporary with a non-trivial destructor twice when it sits in the same
// full-expression as a co_await (seen here as a double free of a lambda's captured string). So: coroutines
// awaited at once take their arguments by reference to named locals, and no co_await shares a full-expression
// with such a temporary.

// Posts a message to the command's response_url from the worker pool, logging and counting failures: the
// person already has an acknowledgement, so a lost post is an operational problem, not theirs.
net::awaitable<void> post_response(const slack_context& ctx, const std::string& response_url,
                                   const message& m, const std::string& what) {
  auto posted = co_await offload(*ctx.workers, [&] { return ctx.web->respond(response_url, m); });
  if (!posted) {
    spdlog::warn("slack: posting the {} outcome to response_url failed: {}", what, posted.error().message);
    ctx.metrics->increment("devenv_slack_response_posts_total", {{"result", "error"}});
  } else {
    ctx.metrics->increment("devenv_slack_response_posts_total", {{"result", "ok"}});
  }
}

// The same as a task of its own: owns its arguments, since nobody awaits it.
net::awaitable<void> post_response_task(slack_context ctx, std::string response_url, message m,
                                        std::string what) {
  co_await post_response(ctx, response_url, m, what);
}

// Spawns background work on the I/O executor with the one catch-all every spawned coroutine needs.
void spawn(const net::any_io_executor& executor, const slack_context& ctx, const std::string& what,
           net::awaitable<void> work) {
  ctx.metrics->increment("devenv_slack_background_total", {{"task", what}, {"result", "started"}});
  net::co_spawn(executor, std::move(work), [metrics = ctx.metrics, what](std::exception_ptr e) {
    if (!e) {
      metrics->increment("devenv_slack_background_total", {{"task", what}, {"result", "done"}});
      return;
    }
    metrics->increment("devenv_slack_background_total", {{"task", what}, {"result", "crashed"}});
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("slack: background {} failed: {}", what, ex.what());
    } catch (...) {
      spdlog::error("slack: background {} failed with an unknown exception", what);
    }
  });
}

net::awaitable<void> run_action_task(slack_context ctx, env::env_action action, std::string environment,
                                     env::action_origin origin, slack_actor actor, std::string response_url) {
  const auto now = ctx.wall_clock();
  auto done = co_await offload(*ctx.workers, [&] {
    try {
      return schedule::run_requested_action(*ctx.environments, ctx.schedules, action, environment, origin, now);
    } catch (const std::exception& e) {
      return result<schedule::requested_action_result>(fail(errc::internal, e.what()));
    }
  });
  // A manual start outside working hours got its own shutdown (as the REST start does); the channel is told.
  std::optional<std::string> stops_at;
  if (done && done->after_hours_problem) {
    spdlog::warn("slack: after-hours shutdown for {} not scheduled: {}", environment, *done->after_hours_problem);
  } else if (done && done->after_hours_shutdown) {
    stops_at = done->after_hours_shutdown->description;
  }
  const auto report = done ? result<env::operation_report>(std::move(done->report))
                           : result<env::operation_report>(tl::unexpected(done.error()));
  message m;
  if (report) {
    m = render_report(*report, actor);
    if (stops_at) {
      const std::string note =
          ":crescent_moon: Started outside working hours: it stops " + escape_mrkdwn(*stops_at);
      m.text += "\n" + note;
      const std::vector<std::string> lines{note};
      m.body.context(lines);
    }
    spdlog::info("slack: {} {} by {} ({}): {} ok, {} skipped, {} failed", env::to_string(action), environment,
                 origin.actor, actor.user_id, report->ok, report->skipped, report->failed);
  } else {
    m = render_failure(env::to_string(action), environment, report.error());
    spdlog::warn("slack: {} {} by {} ({}) failed: {}", env::to_string(action), environment, origin.actor,
                 actor.user_id, report.error().message);
  }
  const std::string what(env::to_string(action));
  co_await post_response(ctx, response_url, m, what);
}

// Runs `work` on the worker pool and waits at most `budget` for it. nullopt when the budget ran out; the
// result then goes to `late` on the handler's executor when it arrives.
template <class T>
net::awaitable<std::optional<T>> within(net::thread_pool& pool, std::chrono::milliseconds budget,
                                        const std::function<T()>& work, const std::function<void(T)>& late) {
  auto executor = co_await net::this_coro::executor;
  struct state {
    explicit state(const net::any_io_executor& ex) : timer(ex) {}
    net::steady_timer timer;
    std::optional<T> value;
    std::atomic<int> phase{0};  // 0 waiting, 1 value delivered in time, 2 gave up waiting
    std::function<void(T)> late;
  };
  auto st = std::make_shared<state>(executor);
  st->late = late;
  st->timer.expires_after(budget);
  net::post(pool, [st, work, executor] {
    T value = work();
    st->value.emplace(std::move(value));
    int expected = 0;
    if (st->phase.compare_exchange_strong(expected, 1)) {
      net::post(executor, [st] { st->timer.cancel(); });
    } else {
      net::post(executor, [st] { st->late(std::move(*st->value)); });
    }
  });
  boost::system::error_code ec;
  co_await st->timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  int expected = 0;
  if (st->phase.compare_exchange_strong(expected, 2)) co_return std::nullopt;
  co_return std::move(st->value);
}

// Reads the environment domain for status/list: answered inline within the fast-read budget, else
// acknowledged now and posted when done.
template <class T>
net::awaitable<http::response> fast_read(const slack_context& ctx, const std::string& what,
                                         const std::string& response_url,
                                         const std::function<result<T>()>& read,
                                         const std::function<message(const result<T>&)>& render) {
  auto executor = co_await net::this_coro::executor;
  const std::function<void(result<T>)> late = [ctx, executor, response_url, render, what](result<T> r) {
    spawn(executor, ctx, "late_" + what, post_response_task(ctx, response_url, render(r), what));
  };
  const std::function<result<T>()> guarded = [read]() -> result<T> {
    try {
      return read();
    } catch (const std::exception& e) {
      return fail(errc::internal, e.what());
    }
  };
  auto value = co_await within<result<T>>(*ctx.workers, ctx.settings->fast_read_timeout, guarded, late);
  if (value) co_return reply(render(*value));
  co_return reply(render_pending_read(what));
}

constexpr std::chrono::milliseconds group_lookup_budget{1000};

// Who may: resolves the user's groups (only when a rule names one) and asks the pure policy.
net::awaitable<access_decision> decide(const slack_context& ctx, const slash_command& slash,
                                       const std::string& action, const std::string& environment) {
  access_subject who{slash.user_id, slash.channel_id, {}};
  const auto& policy = ctx.settings->access;
  const auto candidates = policy.referenced_groups();
  if (!candidates.empty() && ctx.groups != nullptr) {
    // A cold cache means Slack calls; a slow Slack must not push the answer past Slack's 3 s. Past the
    // budget the lookup finishes in the background (filling the cache) and this request is decided without
    // group rules — fail closed, and said in the log.
    auto* groups = ctx.groups;
    const std::function<usergroup_directory::lookup()> lookup = [groups, user = who.user_id, candidates] {
      return groups->groups_of(user, candidates);
    };
    const std::function<void(usergroup_directory::lookup)> late = [](const usergroup_directory::lookup&) {};
    auto found = co_await within(*ctx.workers, group_lookup_budget, lookup, late);
    if (!found) {
      spdlog::warn("slack: user group lookup for {} took over {} ms; group rules not applied", who.user_id,
                   group_lookup_budget.count());
    } else {
      for (const auto& e : found->errors) spdlog::warn("slack: user group lookup: {}", e.message);
      who.groups = std::move(found->groups);
    }
  }
  auto d = policy.decide(who, action, environment, ctx.environments->protection());
  if (!d.allowed) {
    spdlog::info("slack: denied {} {} to {} in {}", action, environment, who.user_id, who.channel_id);
  }
  co_return d;
}

// What a parsed command asks of the handler; computed without I/O.
struct request_plan {
  enum kind_t { answer_now, read_status, read_list, run_action, run_prolong, run_support } kind = answer_now;
  std::string command;  // metrics label
  std::string result = "ok";
  message now;  // for answer_now
  std::string access_action;
  std::string environment;
  env::env_action action = env::env_action::stop;
  std::chrono::minutes duration{};  // for run_prolong
  std::string support_op;           // for run_support: "start", "stop" or "list"
  std::string support_name;
  std::string support_size;
};

request_plan plan_for(const command& c) {
  request_plan p;
  std::visit(overloaded{
                 [&](const help_cmd& h) {
                   p.command = "help";
                   p.now = help_message(h.topic ? std::optional<std::string_view>(*h.topic) : std::nullopt);
                 },
                 [&](const prolong_cmd& cmd) {
                   p.kind = request_plan::run_prolong;
                   p.command = "prolongate";
                   p.access_action = "prolongate";
                   p.environment = cmd.env;
                   p.duration = cmd.duration;
                 },
                 // Support pods live in their own namespace, not in an environment: access rules grant
                 // `support` without an environment (like list).
                 [&](const support_start_cmd& cmd) {
                   p.kind = request_plan::run_support;
                   p.command = p.access_action = "support";
                   p.support_op = "start";
                   p.support_name = cmd.name;
                   p.support_size = std::string(to_string(cmd.size));
                 },
                 [&](const support_stop_cmd& cmd) {
                   p.kind = request_plan::run_support;
                   p.command = p.access_action = "support";
                   p.support_op = "stop";
                   p.support_name = cmd.name;
                 },
                 [&](const support_list_cmd&) {
                   p.kind = request_plan::run_support;
                   p.command = p.access_action = "support";
                   p.support_op = "list";
                 },
                 [&](const status_cmd& s) {
                   p.kind = request_plan::read_status;
                   p.command = p.access_action = "status";
                   p.environment = s.env;
                 },
                 [&](const list_cmd&) {
                   p.kind = request_plan::read_list;
                   p.command = p.access_action = "list";
                 },
                 [&](const stop_cmd& s) {
                   p.kind = request_plan::run_action;
                   p.command = p.access_action = "stop";
                   p.environment = s.env;
                   p.action = env::env_action::stop;
                 },
                 [&](const start_cmd& s) {
                   p.kind = request_plan::run_action;
                   p.command = p.access_action = "start";
                   p.environment = s.env;
                   p.action = env::env_action::start;
                 },
             },
             c);
  return p;
}

net::awaitable<http::response> handle_command(const slack_context& ctx, http::request& req, outcome& out) {
  // 1. Authenticity, over the exact bytes received, before anything is parsed.
  if (req.body.size() > max_command_body_bytes) {
    out.result = "too_large";
    co_return http::response::text(413, "request body too large\n");
  }
  const auto& settings = *ctx.settings;
  auto verified = settings.signing_secret.empty()
                      ? result<void>(fail(errc::unauthorized, "no signing secret configured"))
                      : verify_signature(settings.signing_secret, req.header("x-slack-request-timestamp"),
                                         req.header("x-slack-signature"), req.body, ctx.wall_clock(),
                                         settings.signature_tolerance);
  if (!verified) {
    spdlog::warn("slack: refused a command from {}: {}", req.remote_address, verified.error().message);
    out.result = "unauthorized";
    co_return http::response::text(401, "invalid Slack signature\n");
  }

  // 2. The form and the slash command. A verified request that does not decode is Slack's bug or a leaked
  //    signing secret; either way there is nobody to answer in Slack's terms.
  auto form = decode_form(req.body);
  if (!form) {
    out.result = "bad_request";
    co_return http::response::text(400, form.error().message + "\n");
  }
  auto slash = parse_slash_command(*form);
  if (!slash) {
    out.result = "bad_request";
    co_return http::response::text(400, slash.error().message + "\n");
  }

  // 3. The command.
  auto parsed = parse_command(slash->text);
  if (!parsed) {
    out.result = "parse_error";
    co_return reply(error_message(parsed.error()));
  }
  auto plan = plan_for(*parsed);
  out.command = plan.command;
  out.result = plan.result;
  if (plan.kind == request_plan::answer_now) co_return reply(plan.now);
  if (plan.kind == request_plan::run_prolong && ctx.schedules == nullptr) {
    out.result = "not_enabled";
    co_return reply(render_not_enabled("prolongate"));
  }
  if (plan.kind == request_plan::run_support && ctx.support == nullptr) {
    out.result = "not_enabled";
    co_return reply(render_not_enabled("support"));
  }

  // 4. Access.
  const auto decision = co_await decide(ctx, *slash, plan.access_action, plan.environment);
  if (!decision.allowed) {
    out.result = "denied";
    co_return reply(render_denial(decision));
  }

  // 5. Work.
  const std::string name = plan.environment;
  if (plan.kind == request_plan::read_status) {
    // The status and, for a running environment, its next shutdown from the actual CronJob.
    using status_view =
        std::pair<env::environment_status, std::optional<std::chrono::system_clock::time_point>>;
    const std::function<result<status_view>()> read = [ctx, name]() -> result<status_view> {
      auto status = ctx.environments->status(name);
      if (!status) return tl::unexpected(status.error());
      std::optional<std::chrono::system_clock::time_point> next;
      if (ctx.schedules && status->state != env::env_state::not_found &&
          status->state != env::env_state::not_managed) {
        const auto state = status->state == env::env_state::stopped ? schedule::env_state::stopped
                                                                    : schedule::env_state::running;
        if (auto shutdown = ctx.schedules->next_shutdown(name, state, ctx.wall_clock())) next = shutdown->at;
      }
      return status_view{std::move(*status), next};
    };
    const std::function<message(const result<status_view>&)> render = [name](const result<status_view>& r) {
      return r ? render_status(r->first, r->second) : render_failure("read", name, r.error());
    };
    auto answer = co_await fast_read(ctx, plan.command, slash->response_url, read, render);
    co_return answer;
  }
  if (plan.kind == request_plan::read_list) {
    const std::function<result<std::vector<env::environment_summary>>()> read = [ctx] {
      return ctx.environments->list();
    };
    const std::function<message(const result<std::vector<env::environment_summary>>&)> render =
        [](const result<std::vector<env::environment_summary>>& r) {
          return r ? render_list(*r) : render_failure("list", "", r.error());
        };
    auto answer = co_await fast_read(ctx, plan.command, slash->response_url, read, render);
    co_return answer;
  }
  if (plan.kind == request_plan::run_support) {
    // A few Kubernetes calls: answered inline like status, else posted when done. The Slack user id owns the
    // pod (ids are stable; display names change).
    using outcome_t = std::variant<support::support_pod, std::vector<support::support_pod>>;
    const std::string op = plan.support_op;
    const std::string pod_name = plan.support_name;
    const std::string size = plan.support_size;
    const std::string owner = slash->user_id;
    const std::function<result<outcome_t>()> work = [ctx, op, pod_name, size, owner]() -> result<outcome_t> {
      if (op == "list") {
        auto pods = ctx.support->list();
        if (!pods) return tl::unexpected(pods.error());
        return outcome_t(std::move(*pods));
      }
      auto pod =
          op == "start" ? ctx.support->start(owner, pod_name, size) : ctx.support->stop(owner, pod_name);
      if (!pod) return tl::unexpected(pod.error());
      spdlog::info("slack: support {} {} by {}", op, pod_name, owner);
      return outcome_t(std::move(*pod));
    };
    const std::function<message(const result<outcome_t>&)> render = [ctx, op, pod_name,
                                                                     owner](const result<outcome_t>& r) {
      const auto& support_settings = ctx.support->settings();
      if (!r) return render_support_failure(op, pod_name, r.error(), support_settings);
      const auto now = ctx.wall_clock();
      if (const auto* pods = std::get_if<std::vector<support::support_pod>>(&*r)) {
        return render_support_list(*pods, support_settings.ns, now);
      }
      const auto& pod = std::get<support::support_pod>(*r);
      return op == "start" ? render_support_started(pod, now) : render_support_stopped(pod, owner);
    };
    const std::string what = "support " + op;
    auto answer = co_await fast_read(ctx, what, slash->response_url, work, render);
    co_return answer;
  }
  const slack_actor actor{slash->user_id, slash->user_name};
  if (plan.kind == request_plan::run_prolong) {
    // The CronJob change is a few Kubernetes calls: answered inline like status, else posted when done.
    const std::string actor_name =
        (slash->user_name.empty() ? "<" + slash->user_id + ">" : "@" + slash->user_name) + " via Slack";
    const auto duration = plan.duration;
    const std::function<result<schedule::schedule_change>()> change =
        [ctx, name, duration, actor_name]() -> result<schedule::schedule_change> {
      auto status = ctx.environments->status(name);
      if (!status) return tl::unexpected(status.error());
      if (status->state == env::env_state::not_found) {
        return fail(errc::not_found, "environment `" + name + "` does not exist");
      }
      const auto state = status->state == env::env_state::stopped ? schedule::env_state::stopped
                                                                  : schedule::env_state::running;
      return ctx.schedules->prolong(name, duration, state, actor_name, ctx.wall_clock());
    };
    const std::function<message(const result<schedule::schedule_change>&)> render =
        [name, actor, duration](const result<schedule::schedule_change>& r) {
          return r ? render_prolonged(name, actor, duration, *r) : render_failure("prolong", name, r.error());
        };
    auto answer = co_await fast_read(ctx, plan.command, slash->response_url, change, render);
    co_return answer;
  }
  // The audit trail names the person as Slack shows them; the user id goes to the log with the outcome.
  const env::action_origin origin{
      (slash->user_name.empty() ? "<" + slash->user_id + ">" : "@" + slash->user_name) + " via Slack",
      "slack"};
  const auto executor = co_await net::this_coro::executor;
  spawn(executor, ctx, plan.command,
        run_action_task(ctx, plan.action, name, origin, actor, slash->response_url));
  co_return reply(render_ack(plan.action, name));
}

http::routed_handler commands_handler(slack_context ctx) {
  return [ctx](http::request& req, const http::path_params&) -> net::awaitable<http::response> {
    const auto started = std::chrono::steady_clock::now();
    outcome out;
    auto response = co_await handle_command(ctx, req, out);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ctx.metrics->increment("devenv_slack_commands_total", {{"command", out.command}, {"result", out.result}});
    ctx.metrics->observe("devenv_slack_answer_seconds", {}, seconds);
    co_return response;
  };
}

}  // namespace

void add_slack_routes(http::router& router, const slack_context& context) {
  auto& m = *context.metrics;
  m.declare_counter("devenv_slack_commands_total", "Slack slash commands by command and result.");
  m.declare_histogram("devenv_slack_answer_seconds",
                      "Time to answer a Slack slash command (acknowledgement).",
                      {0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 3});
  m.declare_counter("devenv_slack_background_total", "Slack background tasks by task and result.");
  m.declare_counter("devenv_slack_response_posts_total", "Posts to Slack response_url by result.");
  router.add("POST", "/slack/commands", commands_handler(context));
}

}  // namespace devenv::slack
