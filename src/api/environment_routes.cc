#include <nlohmann/json.hpp>

#include "api/environment_json.h"
#include "api/error_response.h"
#include "api/rest_api.h"
#include "core/offload.h"
#include "env/protection.h"

namespace devenv::api {

namespace {

// The optional body of stop/start: {"reason": "..."}; anything else is a client error.
result<void> check_action_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(errc::invalid_argument, "request body is not a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key != "reason") return fail(errc::invalid_argument, "unknown field '" + key + "' in request body");
    if (!value.is_string() || value.get_ref<const std::string&>().size() > 200) {
      return fail(errc::invalid_argument, "reason must be a string of at most 200 characters");
    }
  }
  return {};
}

http::response json_ok(unsigned status, const nlohmann::json& body) {
  return http::response::json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

http::routed_handler action_handler(rest_context ctx, env::env_action action) {
  return [ctx, action](http::request& req,
                       const http::path_params& params) -> net::awaitable<http::response> {
    const std::string name = params.at("name");
    auto who = ctx.tokens->authenticate(req.header("authorization"));
    if (!who) co_return error_response(who.error());
    if (auto valid = env::validate_namespace_name(name); !valid) co_return error_response(valid.error());
    if (auto allowed = token_authenticator::authorize(*who, env::to_string(action), name); !allowed) {
      co_return error_response(allowed.error());
    }
    if (auto body = check_action_body(req.body); !body) co_return error_response(body.error());
    const env::action_origin origin{"api:" + who->name, "api"};
    auto report = co_await offload(*ctx.workers, [&] { return ctx.environments->run(action, name, origin); });
    if (!report) co_return error_response(report.error());
    co_return json_ok(report->succeeded() ? 200 : 207, to_json(*report));
  };
}

}  // namespace

void add_environment_routes(http::router& router, const rest_context& ctx) {
  router.add("GET", "/api/v1/environments",
             [ctx](http::request&, const http::path_params&) -> net::awaitable<http::response> {
               auto list = co_await offload(*ctx.workers, [&] { return ctx.environments->list(); });
               if (!list) co_return error_response(list.error());
               nlohmann::json items = nlohmann::json::array();
               for (const auto& s : *list) items.push_back(to_json(s));
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
        co_return json_ok(200, to_json(*status));
      });
  router.add("POST", "/api/v1/environments/{name}/stop", action_handler(ctx, env::env_action::stop));
  router.add("POST", "/api/v1/environments/{name}/start", action_handler(ctx, env::env_action::start));
}

}  // namespace devenv::api
