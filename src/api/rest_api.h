// The REST API's routes: environments (/api/v1/environments...), operations (/healthz, /readyz, /metrics,
// /openapi.json, /docs) and the dispatcher that routes a request, answers unknown routes with JSON errors and
// records request metrics. Handlers parse, call the environment domain on the worker pool, and render.
// Registration happens once at start-up; the handlers are then safe to run concurrently.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "api/service_account_auth.h"
#include "api/token_auth.h"
#include "core/net.h"
#include "env/environment_service.h"
#include "http/router.h"
#include "metrics/registry.h"
#include "schedule/cronjob_manager.h"
#include "support/support_service.h"

namespace devenv::api {

struct rest_context {
  env::environment_service* environments = nullptr;
  net::thread_pool* workers = nullptr;  // blocking Kubernetes calls run here
  const token_authenticator* tokens = nullptr;
  metrics::registry* metrics = nullptr;
  // Blocking readiness probe (the Kubernetes API answers); runs on the worker pool.
  std::function<result<void>()> probe_ready;
  // Optional: bearer tokens that are not static tokens are checked with a TokenReview (shutdown Jobs).
  const service_account_authenticator* service_accounts = nullptr;
  // Optional: the shutdown CronJobs (prolong, reset, nextShutdown, after-hours start). Without it those
  // routes answer 503 and status/list carry no nextShutdown.
  schedule::cronjob_manager* schedules = nullptr;
  // The wall clock; required with `schedules` or `service_accounts` (no clock reads below src/app).
  std::function<std::chrono::system_clock::time_point()> now;
  // Optional: support pods (add_support_routes; requires `now`).
  support::support_service* support = nullptr;
  // Whether GET /api/v1/dashboard answers without a token (config dashboard.public); see docs/dashboard.md.
  bool dashboard_public = true;
};

// Also registers the schedule routes (add_schedule_routes).
void add_environment_routes(http::router& router, const rest_context& context);
// POST /api/v1/environments/{name}/prolong and POST /api/v1/schedules/reset (schedule_routes.cc).
void add_schedule_routes(http::router& router, const rest_context& context);
// Static tokens, then the TokenReview when configured; the TokenReview runs on the worker pool.
net::awaitable<result<principal>> authenticate_request(const rest_context& context, const http::request& req);
void add_operations_routes(http::router& router, const rest_context& context);
// GET/POST /api/v1/support-pods, DELETE /api/v1/support-pods/{name} (support_routes.cc); context.support
// must be set.
void add_support_routes(http::router& router, const rest_context& context);
// GET / and its files under /dashboard/ (public, static), GET /api/v1/dashboard (dashboard_routes.cc).
void add_dashboard_routes(http::router& router, const rest_context& context);

// Declares the request metrics and returns the server's handler.
http::handler make_dispatcher(std::shared_ptr<const http::router> router, metrics::registry& metrics);

}  // namespace devenv::api
