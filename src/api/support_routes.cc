// The support-pod routes of the REST API: list, start and stop support pods. Every route needs a bearer
// token; starting and stopping also need the `support` action on the support namespace (token globs). The
// owner of a pod started here is "api:<token name>". Parse → authorise → call support_service on the worker
// pool → render.
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "api/error_response.h"
#include "api/request_bodies.h"
#include "api/rest_api.h"
#include "core/offload.h"
#include "core/rfc3339.h"
#include "support/support_service.h"

namespace devenv::api {

namespace {

using json = nlohmann::json;

http::response json_answer(unsigned status, const json& body) {
  return http::response::json(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

// A well-formed request whose content cannot be used (bad name, unknown size): 422, as Kubernetes answers.
http::response unprocessable(const error& e) {
  return error_response(422, to_string(e.code), e.message);
}

json to_json(const support::support_pod& p, std::chrono::system_clock::time_point now) {
  json j = {
      {"name", p.name},
      {"namespace", p.ns},
      {"size", p.size},
      {"owner", p.owner},
      {"phase", p.phase},
      {"resources",
       {{"requests", {{"cpu", p.resources.cpu_request}, {"memory", p.resources.memory_request}}},
        {"limits", {{"cpu", p.resources.cpu_limit}, {"memory", p.resources.memory_limit}}}}},
      {"created", format_rfc3339(p.created)},
      {"expires", format_rfc3339(p.expires)},
      {"lifetimeSeconds", p.lifetime.count()},
      {"ageSeconds", p.age(now).count()},
      {"timeLeftSeconds", p.time_left(now).count()},
      {"attach", support::attach_command(p.ns, p.name)},
  };
  if (!p.reason.empty()) j["reason"] = p.reason;
  return j;
}

// The principal, allowed to act on support pods when `mutating`.
net::awaitable<result<principal>> authorised(const rest_context& ctx, const http::request& req,
                                             bool mutating) {
  auto who = co_await authenticate_request(ctx, req);
  if (!who || !mutating) co_return who;
  if (auto ok = token_authenticator::authorize(*who, "support", ctx.support->settings().ns); !ok) {
    co_return tl::unexpected(ok.error());
  }
  co_return who;
}

}  // namespace

void add_support_routes(http::router& router, const rest_context& ctx) {
  router.add(
      "GET", "/api/v1/support-pods",
      [ctx](http::request& req, const http::path_params&) -> net::awaitable<http::response> {
        auto who = co_await authorised(ctx, req, false);
        if (!who) co_return error_response(who.error());
        auto pods = co_await offload(*ctx.workers, [&] { return ctx.support->list(); });
        if (!pods) co_return error_response(pods.error());
        const auto now = ctx.now();
        json items = json::array();
        for (const auto& p : *pods) items.push_back(to_json(p, now));
        co_return json_answer(200, {{"namespace", ctx.support->settings().ns}, {"supportPods", items}});
      });
  router.add("POST", "/api/v1/support-pods",
             [ctx](http::request& req, const http::path_params&) -> net::awaitable<http::response> {
               auto who = co_await authorised(ctx, req, true);
               if (!who) co_return error_response(who.error());
               auto body = parse_support_pod_body(req.body);
               if (!body) co_return error_response(body.error());
               const std::string owner = "api:" + who->name;
               auto pod = co_await offload(*ctx.workers,
                                           [&] { return ctx.support->start(owner, body->name, body->size); });
               if (!pod) {
                 if (pod.error().code == errc::invalid_argument) co_return unprocessable(pod.error());
                 co_return error_response(pod.error());
               }
               spdlog::info("api: support pod {} ({}) started by {}", pod->name, pod->size, owner);
               co_return json_answer(201, to_json(*pod, ctx.now()));
             });
  router.add("DELETE", "/api/v1/support-pods/{name}",
             [ctx](http::request& req, const http::path_params& params) -> net::awaitable<http::response> {
               const std::string name = params.at("name");
               auto who = co_await authorised(ctx, req, true);
               if (!who) co_return error_response(who.error());
               const std::string actor = "api:" + who->name;
               auto pod = co_await offload(*ctx.workers, [&] { return ctx.support->stop(actor, name); });
               if (!pod) {
                 if (pod.error().code == errc::invalid_argument) co_return unprocessable(pod.error());
                 co_return error_response(pod.error());
               }
               spdlog::info("api: support pod {} stopped by {}", name, actor);
               co_return json_answer(200, to_json(*pod, ctx.now()));
             });
}

}  // namespace devenv::api
