// schedule_settings: the `schedule:` section of the configuration — the schedule itself (validated into a
// schedule_config) plus what the per-namespace shutdown CronJob needs (image, service account, the URL and
// CA of our own service, token audience). Parsed once at start-up; a plain value, safe to share read-only.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "schedule/config.h"

namespace devenv::schedule {

// What the `devenv-shutdown` CronJob and its Job look like (DESIGN.md section 3).
struct cronjob_settings {
  std::string name = "devenv-shutdown";
  std::string image = "ghcr.io/devenv/devenv-scaler:latest";  // our own image: the Job runs our CLI
  std::string service_account = "devenv-shutdown";            // created in the namespace when missing
  // The in-cluster URL of devenv-scaler's REST API, as seen from the Job's pod.
  std::string server_url = "https://devenv-scaler.devenv-scaler.svc";
  // A ConfigMap holding our serving CA as key `ca.crt`, mounted into the Job (DEVENV_CA_FILE). Kubernetes
  // mounts ConfigMaps from the pod's own namespace only, so the Job uses the `kube-root-ca.crt` pattern:
  // empty means "no CA mount" (a publicly trusted or plain-HTTP server).
  std::string ca_configmap;
  // A PEM file on the server (e.g. ca.crt of the mounted serving certificate) whose content devenv-scaler
  // writes into `ca_configmap` in every managed namespace, so the Job can verify us. Read at each converge,
  // so a rotated CA spreads by itself. In self-signed mode the generated CA is used instead.
  std::string ca_file;
  std::string token_audience = "devenv-scaler";  // projected token audience, checked by TokenReview
  int token_expiration_seconds = 600;            // the minimum Kubernetes allows
  int starting_deadline_seconds = 300;           // a shutdown missed by more than this is skipped
  int backoff_limit = 2;                         // a failed stop is retried twice, then the Job fails
  int successful_jobs_history = 1;
  int failed_jobs_history = 3;
};

struct schedule_settings {
  schedule_config schedule;
  cronjob_settings cronjob;
};

using env_reader = std::function<std::optional<std::string>(std::string_view name)>;

// `node` is the `schedule:` mapping (may be undefined or null: all defaults). Keys: timezone, shutdown,
// workdays, reset, max_prolong and after_hours_start (durations such as "4h"), warnings (list of durations
// or minutes), cronjob: {image, service_account, server_url, ca_configmap, ca_file, token_audience,
// token_expiration_seconds, starting_deadline_seconds, backoff_limit}. Environment variables override:
// DEVENV_TIMEZONE, DEVENV_SHUTDOWN, DEVENV_WORKDAYS, DEVENV_RESET, DEVENV_MAX_PROLONG,
// DEVENV_AFTER_HOURS_START, DEVENV_WARNINGS (comma-separated), DEVENV_CRONJOB_IMAGE,
// DEVENV_CRONJOB_SERVICE_ACCOUNT, DEVENV_CRONJOB_SERVER_URL, DEVENV_CRONJOB_CA_CONFIGMAP,
// DEVENV_CRONJOB_CA_FILE.
// Unknown keys and bad values are errc::invalid_argument naming the key.
result<schedule_settings> parse_schedule_settings(const YAML::Node& node, const env_reader& env);

}  // namespace devenv::schedule
