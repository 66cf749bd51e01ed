#include <nlohmann/json.hpp>

#include "api/error_response.h"
#include "api/rest_api.h"
#include "core/offload.h"
#include "core/yaml_json.h"
#include "web/assets.h"

namespace devenv::api {

namespace {

std::string with_charset(std::string_view type) {
  std::string out(type);
  if (type.rfind("text/", 0) == 0 || type == "application/javascript") out += "; charset=utf-8";
  return out;
}

http::routed_handler serve_asset(const web::asset* asset) {
  return [asset](http::request&, const http::path_params&) -> net::awaitable<http::response> {
    auto r = http::response::text(200, std::string(asset->data), with_charset(asset->content_type));
    r.header("Cache-Control", "public, max-age=3600");
    co_return r;
  };
}

}  // namespace

void add_operations_routes(http::router& router, const rest_context& ctx) {
  router.add("GET", "/healthz",
             [](http::request&, const http::path_params&) -> net::awaitable<http::response> {
               co_return http::response::text(200, "ok\n");
             });
  router.add("GET", "/readyz",
             [ctx](http::request&, const http::path_params&) -> net::awaitable<http::response> {
               auto ready = co_await offload(*ctx.workers, [&] { return ctx.probe_ready(); });
               // Readiness is exactly "the Kubernetes API answers", so the reason says so.
               if (!ready)
                 co_return http::response::text(
                     503, "not ready: the Kubernetes API is unreachable (" + ready.error().message + ")\n");
               co_return http::response::text(200, "ok\n");
             });
  router.add("GET", "/metrics",
             [ctx](http::request&, const http::path_params&) -> net::awaitable<http::response> {
               co_return http::response::text(200, ctx.metrics->render(),
                                              "text/plain; version=0.0.4; charset=utf-8");
             });

  // The OpenAPI document ships as YAML inside the binary; converted once here, served as JSON.
  const auto* spec = web::find_asset("/openapi.yaml");
  auto docs = spec ? parse_yaml_documents(spec->data) : fail(errc::internal, "openapi.yaml is not embedded");
  auto openapi = std::make_shared<const std::string>(docs && !docs->empty() ? (*docs)[0].dump() : "{}");
  router.add("GET", "/openapi.json",
             [openapi](http::request&, const http::path_params&) -> net::awaitable<http::response> {
               co_return http::response::json(200, *openapi);
             });
  for (const char* path : {"/docs", "/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js"}) {
    if (const auto* asset = web::find_asset(path)) router.add("GET", path, serve_asset(asset));
  }
}

}  // namespace devenv::api
