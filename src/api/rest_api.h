// The REST API's routes: environments (/api/v1/environments...), operations (/healthz, /readyz, /metrics,
// /openapi.json, /docs) and the dispatcher that routes a request, answers unknown routes with JSON errors and
// records request metrics. Handlers parse, call the environment domain on the worker pool, and render.
// Registration happens once at start-up; the handlers are then safe to run concurrently.
#pragma once

#include <functional>
#include <memory>

#include "api/token_auth.h"
#include "core/net.h"
#include "env/environment_service.h"
#include "http/router.h"
#include "metrics/registry.h"

namespace devenv::api {

struct rest_context {
  env::environment_service* environments = nullptr;
  net::thread_pool* workers = nullptr;  // blocking Kubernetes calls run here
  const token_authenticator* tokens = nullptr;
  metrics::registry* metrics = nullptr;
  // Blocking readiness probe (the Kubernetes API answers); runs on the worker pool.
  std::function<result<void>()> probe_ready;
};

void add_environment_routes(http::router& router, const rest_context& context);
void add_operations_routes(http::router& router, const rest_context& context);

// Declares the request metrics and returns the server's handler.
http::handler make_dispatcher(std::shared_ptr<const http::router> router, metrics::registry& metrics);

}  // namespace devenv::api
