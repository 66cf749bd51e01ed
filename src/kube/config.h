// Where and how to reach the Kubernetes API: the connection_config value and the loaders that build it from a
// kubeconfig file, from the in-cluster service account, or by the usual precedence (resolve()).
// Loaders only read files and the injected environment; they are thread-safe as long as the files are not
// being rewritten concurrently.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace devenv::kube {

struct connection_config {
  std::string server;  // "https://host:port", no trailing slash
  // Trust: a PEM file or PEM text; both empty means the system store.
  std::string ca_file;
  std::string ca_data;
  bool insecure_skip_tls_verify = false;
  // Bearer token: a static value, or a file re-read when it rotates (projected service-account tokens).
  std::string token;
  std::string token_file;
  // Client certificate authentication: files or PEM text.
  std::string client_cert_file;
  std::string client_cert_data;
  std::string client_key_file;
  std::string client_key_data;
  std::string user_agent = "devenv-scaler";
  std::string default_namespace = "default";  // the context's namespace, or the pod's namespace in-cluster
};

// Reads an environment variable; nullopt when unset. Injected so tests never touch the process environment.
using env_reader = std::function<std::optional<std::string>(std::string_view name)>;
env_reader process_env();

// Loads `context_name` (empty: current-context) from one kubeconfig file. Relative file paths inside it are
// resolved against the file's folder, like kubectl. *-data fields are base64 and are decoded here. Errors
// (errc::invalid_argument, or errc::not_found when the file does not exist) name the file and the key.
// Unsupported user auth (exec, auth-provider, username/password) is an error rather than silently anonymous.
result<connection_config> load_kubeconfig(const std::filesystem::path& path,
                                          std::string_view context_name = {});

// The service-account configuration of a pod: KUBERNETES_SERVICE_HOST/PORT and the files under
// root_dir/var/run/secrets/kubernetes.io/serviceaccount/ (token, ca.crt, namespace). errc::not_found when
// not running in a cluster (variables unset).
result<connection_config> load_in_cluster(const env_reader& env, const std::filesystem::path& root_dir = "/");

// kubectl's precedence: explicit --kubeconfig path, then $KUBECONFIG (a ':'-separated list; only its first
// existing file is used — contexts are not merged across files), then in-cluster, then $HOME/.kube/config.
result<connection_config> resolve(const std::string& explicit_path, std::string_view context_name,
                                  const env_reader& env = process_env(),
                                  const std::filesystem::path& root_dir = "/");

}  // namespace devenv::kube
