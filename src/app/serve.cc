#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/rest_api.h"
#include "env/environment_service.h"
#include "env/kube_workload_store.h"
#include "http/server.h"
#include "kube/client.h"
#include "metrics/registry.h"

namespace devenv::app {

namespace {

result<api::token_authenticator> load_tokens(const api_config& cfg) {
  auto tokens = api::token_authenticator::from_list(cfg.tokens);
  if (!tokens) return tokens;
  if (!cfg.tokens_file.empty()) {
    std::ifstream in(cfg.tokens_file);
    if (!in) return fail(errc::not_found, "cannot read API tokens file " + cfg.tokens_file);
    std::stringstream text;
    text << in.rdbuf();
    auto from_file = api::token_authenticator::from_yaml(text.str());
    if (!from_file) return from_file;
    tokens->merge(*from_file);
  }
  return tokens;
}

}  // namespace

int serve(const config& cfg) {
  auto tokens = load_tokens(cfg.api);
  if (!tokens) {
    spdlog::error("{}", tokens.error().message);
    return 2;
  }
  if (tokens->size() == 0) spdlog::warn("no API tokens configured: every mutating API call will be refused");

  auto connection = kube::resolve(cfg.kubernetes.kubeconfig, cfg.kubernetes.context);
  if (!connection) {
    spdlog::error("kubernetes: {}", connection.error().message);
    return 2;
  }

  metrics::registry metrics;
  metrics.declare_counter("devenv_kube_requests_total",
                          "Kubernetes API calls by verb and HTTP code (0: no answer).");
  metrics.declare_counter("devenv_operations_total", "Environment operations by action and result.");

  kube::client_options kube_options;
  kube_options.qps = cfg.kubernetes.qps;
  kube_options.burst = cfg.kubernetes.burst;
  kube_options.request_timeout =
      std::chrono::duration_cast<std::chrono::milliseconds>(cfg.kubernetes.timeout);
  kube_options.observer = [&metrics](std::string_view verb, int status, std::chrono::nanoseconds) {
    metrics.increment("devenv_kube_requests_total",
                      {{"verb", std::string(verb)}, {"code", std::to_string(status)}});
  };
  kube::client kube_client(*connection, kube_options);

  env::kube_workload_store store(kube_client);
  env::service_options env_options;
  env_options.protected_globs = cfg.environments.protected_globs;
  env_options.own_namespace = cfg.environments.own_namespace;
  env_options.schedule_label_key = cfg.environments.label_key;
  env_options.max_concurrency = cfg.environments.concurrency;
  env::environment_service environments(
      store, [] { return std::chrono::system_clock::now(); }, env_options,
      [&metrics](env::env_action action, const result<env::operation_report>& r) {
        const char* outcome = !r ? "error" : r->succeeded() ? "ok" : "partial";
        metrics.increment("devenv_operations_total",
                          {{"action", std::string(env::to_string(action))}, {"result", outcome}});
      });

  net::io_context io(1);
  net::thread_pool workers(static_cast<std::size_t>(cfg.server.worker_threads));

  api::rest_context ctx;
  ctx.environments = &environments;
  ctx.workers = &workers;
  ctx.tokens = &*tokens;
  ctx.metrics = &metrics;
  ctx.probe_ready = [&kube_client]() -> result<void> {
    auto version = kube_client.get("/version");
    if (!version) return tl::unexpected(version.error());
    return {};
  };
  auto router = std::make_shared<http::router>();
  api::add_environment_routes(*router, ctx);
  api::add_operations_routes(*router, ctx);

  auto listen = split_listen_address(cfg.server.listen);
  http::server_options server_options;
  server_options.address = listen->first;
  server_options.port = listen->second;
  server_options.max_body_bytes = cfg.server.max_body_bytes;
  if (!cfg.server.tls_cert_file.empty()) {
    auto tls = http::tls_context::from_files(cfg.server.tls_cert_file, cfg.server.tls_key_file);
    if (!tls) {
      spdlog::error("{}", tls.error().message);
      return 2;
    }
    server_options.tls = *tls;
  }
  http::server server(io, server_options, api::make_dispatcher(router, metrics));
  try {
    server.start();
  } catch (const std::exception& e) {
    spdlog::error("cannot listen on {}: {}", cfg.server.listen, e.what());
    return 2;
  }
  if (!cfg.server.port_file.empty()) {
    // Written to a temporary name and renamed, so a reader never sees a half-written port.
    const auto tmp = cfg.server.port_file + ".tmp";
    std::ofstream(tmp) << server.port() << "\n";
    std::rename(tmp.c_str(), cfg.server.port_file.c_str());
  }
  spdlog::info("devenv-scaler serving on {}://{}:{} against {}", server_options.tls ? "https" : "http",
               server_options.address, server.port(), connection->server);

  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: draining (up to {} s)", signal, cfg.server.drain.count());
    server.stop(cfg.server.drain);
  });
  io.run();
  workers.join();
  spdlog::info("devenv-scaler stopped");
  return 0;
}

}  // namespace devenv::app
