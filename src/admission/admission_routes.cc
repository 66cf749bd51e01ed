#include "admission/admission_routes.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "admission/admission_decision.h"
#include "core/offload.h"

namespace devenv::admission {

namespace {

net::awaitable<void> converge_later(std::shared_ptr<const admission_context> ctx, std::string ns) {
  auto backoff = ctx->initial_backoff;
  result<schedule::converge_result> outcome = fail(errc::internal, "not attempted");
  int attempt = 0;
  try {
    net::steady_timer timer(co_await net::this_coro::executor);
    while (attempt < ctx->converge_attempts) {
      ++attempt;
      outcome = co_await offload(*ctx->workers, [&] { return ctx->cronjobs->converge(ns, ctx->now()); });
      // Only "the namespace is not there yet" is worth waiting for; anything else is either done or
      // left to the reconciler's next resync.
      if (outcome || outcome.error().code != errc::not_found) break;
      if (attempt == ctx->converge_attempts) break;
      timer.expires_after(backoff);
      co_await timer.async_wait(net::use_awaitable);
      backoff = std::min(backoff * 2, ctx->max_backoff);
    }
  } catch (const std::exception& e) {
    outcome = fail(errc::internal, e.what());
  }
  if (outcome) {
    spdlog::info("admission: CronJob of {} {}", ns, schedule::to_string(outcome->action));
  } else {
    spdlog::warn("admission: converging the CronJob of {} failed after {} attempts: {}", ns, attempt,
                 outcome.error().message);
  }
  if (ctx->on_converged) ctx->on_converged(ns, outcome, attempt);
}

}  // namespace

void add_admission_routes(http::router& router, const admission_context& context) {
  auto ctx = std::make_shared<const admission_context>(context);
  router.add(
      "POST", "/admission/namespaces",
      [ctx](http::request& req, const http::path_params&) -> net::awaitable<http::response> {
        const auto review = nlohmann::json::parse(req.body, nullptr, false);
        if (review.is_discarded()) {
          co_return http::response::json(400, nlohmann::json{{"error", "the body is not valid JSON"}}.dump());
        }
        auto decision = decide_namespace_admission(review, ctx->label_key, ctx->protection);
        if (decision.http_status != 200) {
          co_return http::response::json(decision.http_status,
                                         nlohmann::json{{"error", decision.error}}.dump());
        }
        if (decision.converge && ctx->cronjobs != nullptr && ctx->workers != nullptr) {
          net::co_spawn(co_await net::this_coro::executor, converge_later(ctx, decision.namespace_name),
                        net::detached);
        }
        co_return http::response::json(200, decision.review.dump());
      });
}

}  // namespace devenv::admission
