#include "kube/config.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace devenv::kube {
namespace {

namespace fs = std::filesystem;

// Decodes base64 as kubeconfig *-data fields carry it (may contain newlines). nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 4, '\0');
  EVP_ENCODE_CTX* ctx = EVP_ENCODE_CTX_new();
  if (ctx == nullptr) return std::nullopt;
  EVP_DecodeInit(ctx);
  int written = 0;
  int rc =
      EVP_DecodeUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &written,
                       reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  int tail = 0;
  int final_rc =
      rc < 0 ? -1 : EVP_DecodeFinal(ctx, reinterpret_cast<unsigned char*>(out.data()) + written, &tail);
  EVP_ENCODE_CTX_free(ctx);
  if (rc < 0 || final_rc < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(written + tail));
  return out;
}

result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(errc::not_found, fmt::format("cannot read {}", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(std::string text) {
  auto first = text.find_first_not_of(" \t\r\n");
  auto last = text.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

// Finds the entry named `name` in a kubeconfig list (clusters, users, contexts) and returns its `field` map.
result<YAML::Node> find_named(const YAML::Node& root, const fs::path& file, const char* list,
                              const char* field, std::string_view name) {
  YAML::Node entries = root[list];
  if (entries && entries.IsSequence()) {
    for (const auto& entry : entries) {
      if (entry["name"] && entry["name"].as<std::string>() == name) {
        YAML::Node value = entry[field];
        if (!value || !value.IsMap()) {
          return fail(errc::invalid_argument,
                      fmt::format("{}: {}[name={}] has no '{}' map", file.string(), list, name, field));
        }
        return value;
      }
    }
  }
  return fail(errc::invalid_argument,
              fmt::format("{}: no entry named '{}' in '{}'", file.string(), name, list));
}

std::string string_field(const YAML::Node& map, const char* key) {
  YAML::Node value = map[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string();
}

// Relative paths in a kubeconfig are relative to the kubeconfig's own folder.
std::string resolve_path(const fs::path& kubeconfig, const std::string& value) {
  if (value.empty()) return value;
  fs::path p(value);
  if (p.is_absolute()) return value;
  return (kubeconfig.parent_path() / p).lexically_normal().string();
}

result<std::string> data_field(const YAML::Node& map, const fs::path& file, std::string_view where,
                               const char* key) {
  std::string encoded = string_field(map, key);
  if (encoded.empty()) return std::string();
  auto decoded = base64_decode(encoded);
  if (!decoded)
    return fail(errc::invalid_argument,
                fmt::format("{}: {}.{} is not valid base64", file.string(), where, key));
  return *decoded;
}

result<connection_config> parse_kubeconfig(const YAML::Node& root, const fs::path& file,
                                           std::string_view context_name) {
  if (!root.IsMap())
    return fail(errc::invalid_argument, fmt::format("{}: not a kubeconfig (expected a map)", file.string()));
  std::string context = std::string(context_name);
  if (context.empty()) context = string_field(root, "current-context");
  if (context.empty()) {
    return fail(errc::invalid_argument,
                fmt::format("{}: no context given and 'current-context' is not set", file.string()));
  }
  auto ctx = find_named(root, file, "contexts", "context", context);
  if (!ctx) return tl::unexpected(ctx.error());
  std::string cluster_name = string_field(*ctx, "cluster");
  std::string user_name = string_field(*ctx, "user");
  if (cluster_name.empty()) {
    return fail(errc::invalid_argument,
                fmt::format("{}: contexts[name={}].context.cluster is missing", file.string(), context));
  }

  connection_config config;
  if (auto ns = string_field(*ctx, "namespace"); !ns.empty()) config.default_namespace = ns;

  auto cluster = find_named(root, file, "clusters", "cluster", cluster_name);
  if (!cluster) return tl::unexpected(cluster.error());
  auto cluster_where = fmt::format("clusters[name={}].cluster", cluster_name);
  config.server = string_field(*cluster, "server");
  while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
  if (config.server.empty()) {
    return fail(errc::invalid_argument,
                fmt::format("{}: {}.server is missing", file.string(), cluster_where));
  }
  config.ca_file = resolve_path(file, string_field(*cluster, "certificate-authority"));
  auto ca_data = data_field(*cluster, file, cluster_where, "certificate-authority-data");
  if (!ca_data) return tl::unexpected(ca_data.error());
  config.ca_data = std::move(*ca_data);
  if (YAML::Node insecure = (*cluster)["insecure-skip-tls-verify"]; insecure && insecure.IsScalar()) {
    config.insecure_skip_tls_verify = insecure.as<bool>();
  }

  if (user_name.empty()) return config;  // anonymous, as kubectl allows
  auto user = find_named(root, file, "users", "user", user_name);
  if (!user) return tl::unexpected(user.error());
  auto user_where = fmt::format("users[name={}].user", user_name);
  for (const char* unsupported : {"exec", "auth-provider", "username"}) {
    if ((*user)[unsupported]) {
      return fail(errc::invalid_argument,
                  fmt::format("{}: {}.{} is not supported; use a token, tokenFile or client certificate",
                              file.string(), user_where, unsupported));
    }
  }
  config.token = string_field(*user, "token");
  config.token_file = resolve_path(file, string_field(*user, "tokenFile"));
  config.client_cert_file = resolve_path(file, string_field(*user, "client-certificate"));
  config.client_key_file = resolve_path(file, string_field(*user, "client-key"));
  auto cert_data = data_field(*user, file, user_where, "client-certificate-data");
  if (!cert_data) return tl::unexpected(cert_data.error());
  config.client_cert_data = std::move(*cert_data);
  auto key_data = data_field(*user, file, user_where, "client-key-data");
  if (!key_data) return tl::unexpected(key_data.error());
  config.client_key_data = std::move(*key_data);
  bool has_cert = !config.client_cert_file.empty() || !config.client_cert_data.empty();
  bool has_key = !config.client_key_file.empty() || !config.client_key_data.empty();
  if (has_cert != has_key) {
    return fail(errc::invalid_argument,
                fmt::format("{}: {} has a client {} but no client {}", file.string(), user_where,
                            has_cert ? "certificate" : "key", has_cert ? "key" : "certificate"));
  }
  return config;
}

}  // namespace

env_reader process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

result<connection_config> load_kubeconfig(const fs::path& path, std::string_view context_name) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    return fail(errc::not_found, fmt::format("kubeconfig {} does not exist", path.string()));
  auto text = read_file(path);
  if (!text) return tl::unexpected(text.error());
  try {
    return parse_kubeconfig(YAML::Load(*text), fs::absolute(path), context_name);
  } catch (const YAML::Exception& e) {
    return fail(errc::invalid_argument, fmt::format("{}: {}", path.string(), e.what()));
  }
}

result<connection_config> load_in_cluster(const env_reader& env, const fs::path& root_dir) {
  auto host = env("KUBERNETES_SERVICE_HOST");
  auto port = env("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty()) {
    return fail(errc::not_found, "not running in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set");
  }
  fs::path dir = root_dir / "var/run/secrets/kubernetes.io/serviceaccount";
  connection_config config;
  bool ipv6 = host->find(':') != std::string::npos;
  config.server = fmt::format("https://{}{}{}:{}", ipv6 ? "[" : "", *host, ipv6 ? "]" : "", *port);
  config.token_file = (dir / "token").string();
  std::error_code ec;
  if (!fs::exists(config.token_file, ec)) {
    return fail(errc::invalid_argument,
                fmt::format("in-cluster: service-account token {} does not exist", config.token_file));
  }
  config.ca_file = (dir / "ca.crt").string();
  if (!fs::exists(config.ca_file, ec)) {
    return fail(errc::invalid_argument,
                fmt::format("in-cluster: CA bundle {} does not exist", config.ca_file));
  }
  if (auto ns = read_file(dir / "namespace"); ns && !trim(*ns).empty()) config.default_namespace = trim(*ns);
  return config;
}

result<connection_config> resolve(const std::string& explicit_path, std::string_view context_name,
                                  const env_reader& env, const fs::path& root_dir) {
  if (!explicit_path.empty()) return load_kubeconfig(explicit_path, context_name);
  if (auto list = env("KUBECONFIG"); list && !list->empty()) {
    std::error_code ec;
    std::stringstream parts(*list);
    std::string part;
    while (std::getline(parts, part, ':')) {
      if (!part.empty() && fs::exists(part, ec)) return load_kubeconfig(part, context_name);
    }
    return fail(errc::not_found, fmt::format("KUBECONFIG={} names no existing file", *list));
  }
  auto in_cluster = load_in_cluster(env, root_dir);
  if (in_cluster || in_cluster.error().code != errc::not_found) return in_cluster;
  if (auto home = env("HOME"); home && !home->empty()) {
    return load_kubeconfig(fs::path(*home) / ".kube" / "config", context_name);
  }
  return fail(errc::not_found,
              "no Kubernetes configuration: no --kubeconfig, KUBECONFIG, in-cluster service account or HOME");
}

}  // namespace devenv::kube
