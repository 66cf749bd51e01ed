#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "api/environment_json.h"
#include "api/error_response.h"
#include "api/request_bodies.h"
#include "api/rest_api.h"
#include "core/offload.h"
#include "core/rfc3339.h"
#include "env/protection.h"
#include "schedule/requested_action.h"

namespace devenv::api {

namespace {

http::response json_ok(unsigned status, const nlohmann::json& body) {
  return http::response::json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// The schedule logic knows only running and stopped; anything on its way up counts as running.
schedule::env_state schedule_state(env::env_state state) {
  return state == env::env_state::stopped ? schedule::env_state::stopped : schedule::env_state::running;
}

bool has_schedule(env::env_state state) {
  return state != env::env_state::not_managed && state != env::env_state::not_found;
}

http::routed_handler action_handler(rest_context ctx, env::env_action action) {
  return [ctx, action](http::request& req,
                       const http::path_params& params) -> net::awaitable<http::response> {
    const std::string name = params.at("name");
    auto who = co_await authenticate_request(ctx, req);
    if (!who) co_return error_response(who.error());
    if (auto valid = env::validate_namespace_name(name); !valid) co_return error_response(valid.error());
    if (auto allowed = token_authenticator::authorize(*who, env::to_string(action), name); !allowed) {
      co_return error_response(allowed.error());
    }
    if (auto body = parse_action_body(req.body); !body) co_return error_response(body.error());
    const env::action_origin origin{"api:" + who->name, "api"};
    // `now` is only read for the after-hours shutdown (rest_context: a clock comes with `schedules`).
    const auto now = ctx.schedules != nullptr ? ctx.now() : std::chrono::system_clock::time_point{};
    auto done = co_await offload(*ctx.workers, [&] {
      return schedule::run_requested_action(*ctx.environments, ctx.schedules, action, name, origin, now);
    });
    if (!done) co_return error_response(done.error());
    const env::operation_report* report = &done->report;
    auto body = to_json(*report);
    if (done->after_hours_problem) {
      body["warnings"].push_back("could not schedule the after-hours shutdown: " + *done->after_hours_problem);
    } else if (const auto& change = done->after_hours_shutdown) {
      body["afterHoursShutdown"] = {
          {"time", format_rfc3339(change->shutdown.at)},
          {"description", change->description},
          {"message", "started outside working hours; it will stop at " + change->description}};
    }
    co_return json_ok(report->succeeded() ? 200 : 207, body);
  };
}

}  // namespace

net::awaitable<result<principal>> authenticate_request(const rest_context& ctx, const http::request& req) {
  const std::string header(req.header("authorization"));
  result<principal> who = fail(errc::unauthorized, "no authentication is configured");
  if (ctx.tokens != nullptr) who = ctx.tokens->authenticate(header);
  if (who || who.error().code != errc::unauthorized || ctx.service_accounts == nullptr ||
      ctx.workers == nullptr) {
    co_return who;
  }
  co_return co_await offload(*ctx.workers,
                             [&] { return authenticate_chain(nullptr, ctx.service_accounts, header); });
}

void add_environment_routes(http::router& router, const rest_context& ctx) {
  router.add("GET", "/api/v1/environments",
             [ctx](http::request&, const http::path_params&) -> net::awaitable<http::response> {
               auto list = co_await offload(*ctx.workers, [&] { return ctx.environments->list(); });
               if (!list) co_return error_response(list.error());
               std::map<std::string, schedule::cronjob_state> cronjobs;
               bool have_cronjobs = false;
               if (ctx.schedules != nullptr) {
                 auto read = co_await offload(*ctx.workers, [&] { return ctx.schedules->read_all(); });
                 // The list is still useful without shutdown times; say why they are missing in the log.
                 if (read) {
                   cronjobs = std::move(*read);
                   have_cronjobs = true;
                 } else {
                   spdlog::warn("list: cannot read the shutdown CronJobs: {}", read.error().message);
                 }
               }
               const auto now = have_cronjobs ? ctx.now() : std::chrono::system_clock::time_point{};
               nlohmann::json items = nlohmann::json::array();
               for (const auto& s : *list) {
                 auto item = to_json(s);
                 if (have_cronjobs && s.error.empty() && has_schedule(s.state)) {
                   const auto it = cronjobs.find(s.ns);
                   item["nextShutdown"] = to_json(ctx.schedules->describe(
                       it == cronjobs.end() ? std::nullopt : std::optional(it->second),
                       schedule_state(s.state), now));
                 }
                 items.push_back(std::move(item));
               }
               co_return json_ok(200, {{"environments", std::move(items)}});
             });
  router.add(
      "GET", "/api/v1/environments/{name}",
      [ctx](http::request&, const http::path_params& params) -> net::awaitable<http::response> {
        const std::string name = params.at("name");
        if (auto valid = env::validate_namespace_name(name); !valid) co_return error_response(valid.error());
        auto status = co_await offload(*ctx.workers, [&] { return ctx.environments->status(name); });
        if (!status) co_return error_response(status.error());
        if (status->state == env::env_state::not_found) {
          co_return error_response(error{errc::not_found, "environment '" + name + "' does not exist"});
        }
        auto body = to_json(*status);
        if (ctx.schedules != nullptr && has_schedule(status->state)) {
          auto next = co_await offload(*ctx.workers, [&] {
            return ctx.schedules->next_shutdown(name, schedule_state(status->state), ctx.now());
          });
          if (next) {
            body["nextShutdown"] = to_json(*next);
          } else {
            spdlog::warn("status {}: cannot read the shutdown CronJob: {}", name, next.error().message);
          }
        }
        co_return json_ok(200, body);
      });
  router.add("POST", "/api/v1/environments/{name}/stop", action_handler(ctx, env::env_action::stop));
  router.add("POST", "/api/v1/environments/{name}/start", action_handler(ctx, env::env_action::start));
  add_schedule_routes(router, ctx);
}

}  // namespace devenv::api
