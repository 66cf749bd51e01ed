// devenv-scaler's configuration: one YAML file, overridden by environment variables, overridden by flags.
// Every key, its default and its variable are listed in docs/configuration.md. Loading is pure apart from
// reading the file: the environment comes in through an injected reader. Value type.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "inventory/aws_settings.h"
#include "lease/election_settings.h"
#include "schedule/schedule_settings.h"
#include "slack/bot/settings.h"
#include "support/support_settings.h"

namespace devenv::app {

struct server_config {
  std::string listen = "0.0.0.0:8080";   // DEVENV_LISTEN
  std::string tls_cert_file;             // DEVENV_TLS_CERT_FILE (with key: serve HTTPS)
  std::string tls_key_file;              // DEVENV_TLS_KEY_FILE
  std::size_t max_body_bytes = 1 << 20;  // DEVENV_MAX_BODY_BYTES
  std::chrono::seconds drain{10};        // DEVENV_DRAIN_SECONDS: graceful shutdown budget
  int worker_threads = 8;                // DEVENV_WORKER_THREADS: blocking Kubernetes calls run here
  // Without certificate files: generate a CA and serving certificate at start (in memory, written to a
  // private temporary folder for the TLS context) and patch the webhook configuration's caBundle.
  bool tls_self_signed = false;                         // DEVENV_TLS_SELF_SIGNED
  std::string service_name = "devenv-scaler";           // DEVENV_SERVICE_NAME: the certificate's DNS names
  std::string webhook_configuration = "devenv-scaler";  // DEVENV_WEBHOOK_CONFIGURATION (Mutating…)
  std::string port_file;  // DEVENV_PORT_FILE: the bound port is written here (for listen port 0, tests, demo)
};

struct kubernetes_config {
  std::string kubeconfig;            // DEVENV_KUBECONFIG; empty: $KUBECONFIG, in-cluster, ~/.kube/config
  std::string context;               // DEVENV_KUBE_CONTEXT
  double qps = 20;                   // DEVENV_KUBE_QPS
  int burst = 40;                    // DEVENV_KUBE_BURST
  std::chrono::seconds timeout{30};  // DEVENV_KUBE_TIMEOUT_SECONDS (per attempt)
};

struct environments_config {
  std::string own_namespace;  // DEVENV_NAMESPACE (or POD_NAMESPACE): always protected
  std::vector<std::string> protected_globs = {"kube-*", "default"};  // DEVENV_PROTECTED (comma-separated)
  std::string label_key = "scheduler";                               // DEVENV_LABEL_KEY
  int concurrency = 8;                                               // DEVENV_CONCURRENCY per environment
};

struct api_config {
  std::string tokens_file;  // DEVENV_API_TOKENS_FILE: YAML list of tokens with their permissions
  std::string tokens;       // DEVENV_API_TOKENS: "name:token,name2:token2" (full access)
};

struct dashboard_config {
  // DEVENV_DASHBOARD_PUBLIC: GET /api/v1/dashboard answers without a token (the page itself is always public:
  // it holds no data). false: any valid API token may read it. See docs/dashboard.md.
  bool public_access = true;
};

struct log_config {
  std::string level = "info";   // DEVENV_LOG_LEVEL: trace, debug, info, warn, error
  std::string format = "json";  // DEVENV_LOG_FORMAT: json or text
};

struct config {
  server_config server;
  schedule::schedule_settings schedule;  // `schedule:` section, see src/schedule/schedule_settings.h
  slack::slack_settings slack;           // `slack:` section, see src/slack/bot/settings.h
  support::support_settings support;     // `support:` section, see src/support/support_settings.h
  lease::election_settings leader_election;  // `leader_election:` section, see src/lease/election_settings.h
  inventory::aws_settings aws;           // `aws:` section, see src/inventory/aws_settings.h
  bool reconcile = true;                 // DEVENV_RECONCILE: run the namespace reconciler and morning reset
  kubernetes_config kubernetes;
  environments_config environments;
  api_config api;
  log_config log;
  dashboard_config dashboard;
};

using env_reader = std::function<std::optional<std::string>(std::string_view name)>;

// Parses YAML text (empty text: all defaults) then applies the environment. Unknown keys are errors, so a
// typo never silently falls back to a default. Errors name the key.
result<config> parse_config(std::string_view yaml_text, const env_reader& env);
// Reads the file (empty path: no file) and parses it.
result<config> load_config(const std::filesystem::path& file, const env_reader& env);

// "host:port" → parts; errors for a missing or invalid port.
result<std::pair<std::string, std::uint16_t>> split_listen_address(std::string_view listen);

}  // namespace devenv::app
