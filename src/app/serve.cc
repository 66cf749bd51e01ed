#include "app/serve.h"

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "admission/admission_routes.h"
#include "admission/webhook_certificates.h"
#include "api/rest_api.h"
#include "api/service_account_auth.h"
#include "env/environment_service.h"
#include "env/kube_workload_store.h"
#include "http/server.h"
#include "inventory/aws_runtime.h"
#include "inventory/refresh_loop.h"
#include "kube/client.h"
#include "kube/paths.h"
#include "lease/kube_lease_store.h"
#include "lease/leader_elector.h"
#include "lease/leader_tasks.h"
#include "metrics/registry.h"
#include "notify/warning_runner.h"
#include "schedule/cronjob_manager.h"
#include "schedule/kube_cronjob_store.h"
#include "schedule/kube_namespace_reconciler.h"
#include "schedule/reset_timer.h"
#include "slack/bot/interactions.h"
#include "slack/bot/routes.h"
#include "support/kube_support_store.h"
#include "support/support_service.h"

namespace devenv::app {

namespace {

using wall_clock = std::chrono::system_clock;

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

void write_port_file(const std::string& file, std::uint16_t port) {
  // Written to a temporary name and renamed, so a reader never sees a half-written port.
  const auto tmp = file + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::rename(tmp.c_str(), file.c_str());
}

// The self-signed mode: a fresh CA and serving certificate for the Service's names (and the listen address),
// written to a private folder for the TLS context, and the CA put into the webhook configuration's caBundle
// so kube-apiserver trusts it. A failed caBundle patch is logged, not fatal: the reconciler still converges
// CronJobs while the webhook is not trusted (failurePolicy Ignore).
result<std::shared_ptr<http::tls_context>> self_signed_tls(const config& cfg, kube::client& api,
                                                           std::string& ca_pem) {
  const auto now = wall_clock::now();
  const auto listen = split_listen_address(cfg.server.listen);
  std::vector<std::string> ips = {"127.0.0.1"};
  if (listen && listen->first != "0.0.0.0" && listen->first != "127.0.0.1") ips.push_back(listen->first);
  const std::string ns = cfg.environments.own_namespace.empty() ? "default" : cfg.environments.own_namespace;
  auto tls = admission::generate_webhook_tls(cfg.server.service_name, ns, now, {"localhost"}, ips);
  if (!tls) return tl::unexpected(tls.error());
  char tmpl[] = "/tmp/devenv-scaler-tls-XXXXXX";
  const char* dir = ::mkdtemp(tmpl);
  if (dir == nullptr) return fail(errc::internal, "cannot create a folder for the self-signed certificate");
  const std::filesystem::path cert = std::filesystem::path(dir) / "tls.crt";
  const std::filesystem::path key = std::filesystem::path(dir) / "tls.key";
  if (auto written = http::certificate_authority::write_files(tls->serving, cert, key); !written) {
    return tl::unexpected(written.error());
  }
  ca_pem = tls->ca_certificate;
  const auto path =
      kube::object_path(kube::resource::mutatingwebhookconfigurations, "", cfg.server.webhook_configuration);
  auto current = api.get(path);
  if (!current) {
    spdlog::warn("self-signed TLS: cannot read MutatingWebhookConfiguration {}: {}",
                 cfg.server.webhook_configuration, current.error().message);
  } else if (auto patch = admission::ca_bundle_patch(*current, tls->ca_certificate); !patch) {
    spdlog::warn("self-signed TLS: {}", patch.error().message);
  } else if (auto patched = api.merge_patch(path, *patch); !patched) {
    spdlog::warn("self-signed TLS: cannot patch the caBundle of {}: {}", cfg.server.webhook_configuration,
                 patched.error().message);
  } else {
    spdlog::info("self-signed TLS: caBundle of MutatingWebhookConfiguration {} updated",
                 cfg.server.webhook_configuration);
  }
  return http::tls_context::from_files(cert, key);
}

// The CA file a shutdown Job must trust (schedule.cronjob.ca_file), read at each use so a rotation spreads.
result<std::string> read_ca_file(const std::string& file) {
  std::ifstream in(file);
  if (!in) return fail(errc::not_found, "cannot read schedule.cronjob.ca_file " + file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int serve(const config& cfg) {
  auto tokens = load_tokens(cfg.api);
  if (!tokens) {
    spdlog::error("{}", tokens.error().message);
    return 2;
  }
  if (tokens->size() == 0)
    spdlog::warn("no static API tokens configured: only shutdown Jobs can act through the API");

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

  // Leader election: one replica holds the Lease (in the scaler's own namespace) and runs the leader-only
  // work. Loops registered in leader_work run on threads of their own while this replica leads; timers that
  // only tick ask is_leader() before acting (always true with leader_election.enabled=false). leader_work is
  // declared before the elector, whose stop callback stops it, so it outlives it.
  lease::leader_tasks leader_work;
  std::unique_ptr<kube::client> lease_client;
  std::unique_ptr<lease::kube_lease_store> lease_store;
  std::unique_ptr<lease::leader_elector> elector;
  if (cfg.leader_election.enabled) {
    // Its own client: a short per-attempt timeout and no retries (the elector retries every retry_period),
    // so a slow API server cannot keep a leader's renewal in flight past its renew deadline.
    kube::client_options lease_options = kube_options;
    lease_options.request_timeout = std::min(
        kube_options.request_timeout,
        std::chrono::duration_cast<std::chrono::milliseconds>(cfg.leader_election.timing.renew_deadline / 2));
    lease_options.retry.max_attempts = 1;
    lease_client = std::make_unique<kube::client>(*connection, lease_options);
    const std::string ns = cfg.environments.own_namespace.empty() ? "default" : cfg.environments.own_namespace;
    lease_store = std::make_unique<lease::kube_lease_store>(*lease_client, ns, cfg.leader_election.lease_name);
    char host[256] = {};
    ::gethostname(host, sizeof(host) - 1);
    lease::elector_options elector_options;
    elector_options.identity = lease::resolve_identity(
        cfg.leader_election.identity,
        [](std::string_view name) -> std::optional<std::string> {
          const char* v = std::getenv(std::string(name).c_str());
          if (v == nullptr) return std::nullopt;
          return std::string(v);
        },
        host, static_cast<long>(::getpid()));
    elector_options.timing = cfg.leader_election.timing;
    elector_options.on_started_leading = [&leader_work] { leader_work.start(); };
    elector_options.on_stopped_leading = [&leader_work] { leader_work.stop(); };
    elector = std::make_unique<lease::leader_elector>(*lease_store, elector_options);
    spdlog::info("leader election: Lease {}/{} as {}", ns, cfg.leader_election.lease_name, elector->identity());
  }
  // Leader-only work (timers, warnings, caches) asks this before acting; it follows the Lease election.
  std::function<bool()> is_leader = [e = elector.get()] { return e == nullptr || e->is_leader(); };
  metrics.declare_gauge("devenv_leader", "1 while this replica leads (holds the Lease), else 0.",
                        [&is_leader] { return is_leader() ? 1.0 : 0.0; });

  const env::protection_policy protection(cfg.environments.protected_globs, cfg.environments.own_namespace);
  env::kube_workload_store store(kube_client);
  // Support pods, when the `support:` section enables them. Their namespace may not be one the built-in rules
  // protect (kube-*, default, the scaler's own); configured globs may name it, so that it is never managed
  // as an environment (the chart does this).
  std::unique_ptr<support::kube_support_store> support_store;
  std::unique_ptr<support::support_service> support_pods;
  if (cfg.support.enabled) {
    const env::protection_policy built_in(env::protection_policy::default_globs(),
                                          cfg.environments.own_namespace);
    if (built_in.is_protected(cfg.support.ns)) {
      spdlog::error("support.namespace {} is a protected namespace", cfg.support.ns);
      return 2;
    }
    support_store = std::make_unique<support::kube_support_store>(kube_client);
    support_pods = std::make_unique<support::support_service>(*support_store, cfg.support,
                                                              [] { return wall_clock::now(); });
  }
  // EC2/RDS follow their environment when aws.enabled (issue 7): stop/start act on them through the adapter,
  // status reads the inventory, the leader refreshes it (and re-stops databases RDS restarted) below.
  std::unique_ptr<inventory::aws_runtime> aws_resources;
  if (cfg.aws.enabled) {
    auto created =
        inventory::aws_runtime::create(cfg.aws, aws::process_environment(), [] { return wall_clock::now(); });
    if (!created) {
      spdlog::error("aws: {}", created.error().message);
      return 2;
    }
    aws_resources = std::move(*created);
    metrics.declare_gauge("devenv_inventory_age_seconds",
                          "Seconds since the AWS inventory was last refreshed successfully (-1: never).",
                          [&aws_resources] { return aws_resources->cache().age_seconds(); });
    metrics.declare_counter("devenv_rds_guard_stops_total",
                            "Databases stopped again while their environment is stopped, by result.");
  }
  env::service_options env_options;
  env_options.protected_globs = cfg.environments.protected_globs;
  env_options.own_namespace = cfg.environments.own_namespace;
  env_options.schedule_label_key = cfg.environments.label_key;
  env_options.max_concurrency = cfg.environments.concurrency;
  if (aws_resources) env_options.external = &aws_resources->resources();
  env::environment_service environments(
      store, [] { return wall_clock::now(); }, env_options,
      [&metrics](env::env_action action, const result<env::operation_report>& r) {
        const char* outcome = !r ? "error" : r->succeeded() ? "ok" : "partial";
        metrics.increment("devenv_operations_total",
                          {{"action", std::string(env::to_string(action))}, {"result", outcome}});
      });

  schedule::kube_cronjob_store cronjob_store(kube_client);
  schedule::manager_options manager_options;
  manager_options.label_key = cfg.environments.label_key;
  manager_options.protection = protection;
  // What the shutdown Jobs trust, copied into each namespace's CA ConfigMap: the self-signed CA once it is
  // generated below (before anything converges), else the configured file.
  auto self_signed_ca = std::make_shared<std::string>();
  manager_options.ca_bundle = [self_signed_ca, file = cfg.schedule.cronjob.ca_file]() -> result<std::string> {
    if (!self_signed_ca->empty()) return *self_signed_ca;
    if (file.empty()) return std::string();
    return read_ca_file(file);
  };
  schedule::cronjob_manager cronjobs(cronjob_store, cfg.schedule, manager_options);

  api::service_account_options sa_options;
  sa_options.audience = cfg.schedule.cronjob.token_audience;
  sa_options.service_account = cfg.schedule.cronjob.service_account;
  sa_options.now = [] { return wall_clock::now(); };
  api::service_account_authenticator service_accounts(
      [&kube_client](const nlohmann::json& review) {
        return kube_client.create(kube::collection_path(kube::resource::tokenreviews), review);
      },
      sa_options);

  net::io_context io(1);
  net::thread_pool workers(static_cast<std::size_t>(cfg.server.worker_threads));

  api::rest_context ctx;
  ctx.environments = &environments;
  ctx.workers = &workers;
  ctx.tokens = &*tokens;
  ctx.metrics = &metrics;
  ctx.service_accounts = &service_accounts;
  ctx.schedules = &cronjobs;
  ctx.now = [] { return wall_clock::now(); };
  ctx.support = support_pods.get();
  ctx.dashboard_public = cfg.dashboard.public_access;
  ctx.probe_ready = [&kube_client]() -> result<void> {
    auto version = kube_client.get("/version");
    if (!version) return tl::unexpected(version.error());
    return {};
  };
  auto router = std::make_shared<http::router>();
  api::add_environment_routes(*router, ctx);
  api::add_operations_routes(*router, ctx);
  if (support_pods) api::add_support_routes(*router, ctx);
  api::add_dashboard_routes(*router, ctx);

  admission::admission_context admission_ctx;
  admission_ctx.label_key = cfg.environments.label_key;
  admission_ctx.protection = protection;
  admission_ctx.cronjobs = &cronjobs;
  admission_ctx.workers = &workers;
  admission_ctx.now = [] { return wall_clock::now(); };
  admission_ctx.on_converged = [](const std::string& ns, const result<schedule::converge_result>& outcome,
                                  int attempts) {
    if (outcome) {
      spdlog::info("admission: CronJob of {} {} after {} attempt(s)", ns,
                   schedule::to_string(outcome->action), attempts);
    } else {
      spdlog::warn("admission: CronJob of {} not converged after {} attempt(s): {}", ns, attempts,
                   outcome.error().message);
    }
  };
  admission::add_admission_routes(*router, admission_ctx);

  // Slack: only when a signing secret is configured (without it no request could be verified).
  std::unique_ptr<slack::web_api_client> slack_web;
  std::unique_ptr<slack::usergroup_directory> slack_groups;
  std::unique_ptr<notify::warning_runner> shutdown_warnings;  // leader-only; needs the bot token
  if (cfg.slack.enabled) {
    slack::web_api_options web_options;
    web_options.base_url = cfg.slack.api_base_url;
    web_options.bot_token = cfg.slack.bot_token;
    web_options.response_url_prefixes = cfg.slack.response_url_prefixes;
    web_options.timeout = cfg.slack.web_api_timeout;
    web_options.retries = cfg.slack.web_api_retries;
    web_options.max_retry_after = cfg.slack.max_retry_after;
    slack_web = std::make_unique<slack::web_api_client>(web_options);
    slack_groups = std::make_unique<slack::usergroup_directory>(
        [web = slack_web.get()](std::string_view id) { return web->usergroup_members(id); },
        cfg.slack.usergroup_cache_ttl, [] { return std::chrono::steady_clock::now(); });
    slack::slack_context slack_ctx;
    slack_ctx.environments = &environments;
    slack_ctx.workers = &workers;
    slack_ctx.metrics = &metrics;
    slack_ctx.wall_clock = [] { return wall_clock::now(); };
    slack_ctx.settings = &cfg.slack;
    slack_ctx.web = slack_web.get();
    slack_ctx.groups = slack_groups.get();
    slack_ctx.schedules = &cronjobs;
    slack_ctx.support = support_pods.get();
    slack::add_slack_routes(*router, slack_ctx);
    slack::add_slack_interaction_routes(*router, slack_ctx);
    if (cfg.slack.shutdown_warnings && !cfg.slack.bot_token.empty()) {
      notify::runner_options warning_options;
      warning_options.notices.offsets = cfg.schedule.schedule.warnings;
      warning_options.notices.default_channel = cfg.slack.default_channel;
      warning_options.notices.service_account = cfg.schedule.cronjob.service_account;
      warning_options.protection = protection;
      warning_options.now = [] { return wall_clock::now(); };
      warning_options.is_leader = [&is_leader] { return is_leader(); };
      shutdown_warnings =
          std::make_unique<notify::warning_runner>(store, cronjobs, *slack_web, warning_options);
    } else if (cfg.slack.shutdown_warnings) {
      spdlog::info("Slack shutdown warnings need DEVENV_SLACK_BOT_TOKEN: none will be sent");
    }
  } else {
    spdlog::info("Slack is not configured (DEVENV_SLACK_SIGNING_SECRET): /slack routes are not served");
  }

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
  } else if (cfg.server.tls_self_signed) {
    auto tls = self_signed_tls(cfg, kube_client, *self_signed_ca);
    if (!tls) {
      spdlog::error("self-signed TLS: {}", tls.error().message);
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
  if (!cfg.server.port_file.empty()) write_port_file(cfg.server.port_file, server.port());
  spdlog::info("devenv-scaler serving on {}://{}:{} against {}", server_options.tls ? "https" : "http",
               server_options.address, server.port(), connection->server);

  // Background work: the namespace reconciler (its own thread: it blocks on watches) and the morning reset,
  // leader-only loops (leader_work) started and stopped with leadership.
  std::atomic<bool> stop_background{false};
  // Shutdown warnings: every replica runs the loop, only the leader sends (is_leader, plus the claims on the
  // namespaces, so a handover overlap cannot send a warning twice).
  std::thread warnings_thread;
  if (shutdown_warnings) warnings_thread = std::thread([&] { shutdown_warnings->run(stop_background); });
  std::optional<schedule::namespace_reconciler> reconciler;
  if (cfg.reconcile) {
    schedule::reconciler_options reconciler_options;
    reconciler_options.now = [] { return wall_clock::now(); };
    reconciler_options.on_converged = [](const std::string& ns, const result<schedule::converge_result>& r) {
      if (!r)
        spdlog::warn("reconciler: {}: {}", ns, r.error().message);
      else if (r->action == schedule::converge_action::created ||
               r->action == schedule::converge_action::patched)
        spdlog::info("reconciler: CronJob of {} {}", ns, schedule::to_string(r->action));
    };
    reconciler.emplace(kube_client, cronjobs, reconciler_options);
    leader_work.add("reconciler", [&](const std::atomic<bool>& stop) { reconciler->run(stop); });
    leader_work.add("morning reset", [&](const std::atomic<bool>& stop) {
      schedule::reset_timer_options reset_options;
      reset_options.now = [] { return wall_clock::now(); };
      reset_options.on_reset = [](const result<schedule::reset_report>& r) {
        if (!r) {
          spdlog::error("morning reset failed: {}", r.error().message);
          return;
        }
        spdlog::info("morning reset: {} CronJobs checked, {} restored, {} errors", r->checked,
                     r->reset.size(), r->errors.size());
        for (const auto& e : r->errors) spdlog::warn("morning reset: {}", e);
      };
      schedule::run_reset_timer(cronjobs, reset_options, stop);
    });
  }
  if (aws_resources) {
    leader_work.add("aws inventory", [&](const std::atomic<bool>& stop) {
      inventory::refresh_loop_options options;
      options.period = cfg.aws.refresh_period;
      options.guard_period = cfg.aws.guard_period;
      // Only environments whose stop has completed (recorded on the namespace), never one still stopping.
      options.stopped_environments = [&environments]() -> result<std::set<std::string>> {
        auto all = environments.list();
        if (!all) return tl::unexpected(all.error());
        return inventory::completed_stops(*all);
      };
      options.record_event = [&store](std::string_view ns, const env::event_record& event) {
        return store.create_event(ns, event);
      };
      options.on_guard = [&metrics](const std::vector<inventory::guarded_database>& guarded) {
        spdlog::info("rds guard: round done, {} database(s) acted on", guarded.size());
        for (const auto& g : guarded) {
          metrics.increment("devenv_rds_guard_stops_total",
                            {{"result", g.item.outcome == env::resource_outcome::failed ? "failed" : "ok"}});
        }
      };
      inventory::run_refresh_loop(aws_resources->cache(), &aws_resources->resources(), options, stop);
    });
  }
  if (elector) {
    elector->start();
  } else {
    leader_work.start();
  }

  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: draining (up to {} s)", signal, cfg.server.drain.count());
    stop_background = true;
    // Step down and release the Lease now, not after draining: a standby takes over at its next attempt.
    if (elector) elector->request_stop();
    server.stop(cfg.server.drain);
  });
  io.run();
  stop_background = true;
  if (elector) elector->stop();  // stops leader_work, then releases the Lease
  leader_work.stop();
  if (warnings_thread.joinable()) warnings_thread.join();
  workers.join();
  spdlog::info("devenv-scaler stopped");
  return 0;
}

}  // namespace devenv::app
