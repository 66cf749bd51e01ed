// The schedule routes of the REST API: prolong an environment's next shutdown and run the morning reset on
// demand. Parse → authorise → call the cronjob manager on the worker pool → render.
#include <nlohmann/json.hpp>

#include "api/error_response.h"
#include "api/request_bodies.h"
#include "api/rest_api.h"
#include "core/offload.h"
#include "core/rfc3339.h"
#include "env/protection.h"

namespace devenv::api {

namespace {

http::response json_ok(const nlohmann::json& body) {
  return http::response::json(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

http::response no_schedules() {
  return error_response(error{errc::unavailable, "shutdown schedules are not configured on this server"});
}

}  // namespace

void add_schedule_routes(http::router& router, const rest_context& ctx) {
  router.add("POST", "/api/v1/environments/{name}/prolong",
             [ctx](http::request& req, const http::path_params& params) -> net::awaitable<http::response> {
               const std::string name = params.at("name");
               auto who = co_await authenticate_request(ctx, req);
               if (!who) co_return error_response(who.error());
               if (auto valid = env::validate_namespace_name(name); !valid)
                 co_return error_response(valid.error());
               if (auto allowed = token_authenticator::authorize(*who, "prolong", name); !allowed)
                 co_return error_response(allowed.error());
               auto body = parse_prolong_body(req.body);
               if (!body) co_return error_response(body.error());
               if (ctx.schedules == nullptr || ctx.environments == nullptr) co_return no_schedules();

               const std::string actor = "api:" + who->name;
               auto change = co_await offload(*ctx.workers, [&]() -> result<schedule::schedule_change> {
                 auto status = ctx.environments->status(name);
                 if (!status) return tl::unexpected(status.error());
                 if (status->state == env::env_state::not_found)
                   return fail(errc::not_found, "environment '" + name + "' does not exist");
                 if (status->state == env::env_state::not_managed)
                   return fail(errc::protected_namespace,
                               "namespace '" + name + "' is not managed by devenv-scaler");
                 const auto state = status->state == env::env_state::stopped ? schedule::env_state::stopped
                                                                             : schedule::env_state::running;
                 return ctx.schedules->prolong(name, body->duration, state, actor, ctx.now());
               });
               if (!change) co_return error_response(change.error());
               co_return json_ok({{"environment", name},
                                  {"prolongedUntil", format_rfc3339(change->shutdown.at)},
                                  {"prolongedBy", actor},
                                  {"schedule", change->shutdown.schedule},
                                  {"timeZone", change->shutdown.time_zone},
                                  {"description", change->description},
                                  {"message", name + " will now stop at " + change->description}});
             });

  router.add("POST", "/api/v1/schedules/reset",
             [ctx](http::request& req, const http::path_params&) -> net::awaitable<http::response> {
               auto who = co_await authenticate_request(ctx, req);
               if (!who) co_return error_response(who.error());
               // Resetting touches every environment: only a principal allowed on all of them ("*") may.
               if (auto allowed = token_authenticator::authorize(*who, "reset", "*"); !allowed)
                 co_return error_response(allowed.error());
               if (ctx.schedules == nullptr) co_return no_schedules();
               auto report =
                   co_await offload(*ctx.workers, [&] { return ctx.schedules->reset_all(ctx.now()); });
               if (!report) co_return error_response(report.error());
               co_return json_ok({{"checked", report->checked},
                                  {"reset", report->reset},
                                  {"errors", report->errors},
                                  {"ok", report->errors.empty()}});
             });
}

}  // namespace devenv::api
