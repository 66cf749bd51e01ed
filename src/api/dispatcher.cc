#include <spdlog/spdlog.h>

#include <chrono>

#include "api/error_response.h"
#include "api/rest_api.h"

namespace devenv::api {

http::handler make_dispatcher(std::shared_ptr<const http::router> router, metrics::registry& metrics) {
  metrics.declare_counter("devenv_http_requests_total", "HTTP requests by route, method and status code.");
  metrics.declare_histogram("devenv_http_request_duration_seconds", "HTTP request latency by route.",
                            {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
  return [router, &metrics](http::request& req) -> net::awaitable<http::response> {
    const auto started = std::chrono::steady_clock::now();
    auto match = router->find(req.method, req.raw_path);
    http::response out;
    if (match.handler) {
      out = co_await (*match.handler)(req, match.params);
    } else if (match.status == 405) {
      out = error_response(405, "method_not_allowed",
                           "method " + req.method + " is not allowed on " + req.path);
      out.header("Allow", match.allow);
    } else {
      out = error_response(404, "not_found", "no route for " + req.path);
    }
    // Unmatched paths share one label so that scanners cannot blow up the metric's cardinality.
    const std::string route = match.pattern.empty() ? "unmatched" : match.pattern;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics.increment("devenv_http_requests_total",
                      {{"route", route}, {"method", req.method}, {"code", std::to_string(out.status)}});
    metrics.observe("devenv_http_request_duration_seconds", {{"route", route}}, seconds);
    // Access log: probes and scrapes at debug so they do not drown the actions people take.
    const bool probe = route == "/healthz" || route == "/readyz" || route == "/metrics";
    spdlog::log(probe ? spdlog::level::debug : spdlog::level::info, "{} {} {} {:.1f}ms from {}", req.method,
                req.path.size() > 200 ? req.path.substr(0, 200) + "..." : req.path, out.status, seconds * 1000,
                req.remote_address);
    co_return out;
  };
}

}  // namespace devenv::api
