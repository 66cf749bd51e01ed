#include "app/config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

namespace devenv::app {

namespace {

result<void> check_keys(const YAML::Node& node, std::string_view where,
                        const std::set<std::string>& allowed) {
  if (!node) return {};
  if (!node.IsMap()) return fail(errc::invalid_argument, fmt::format("config: {} must be a mapping", where));
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    if (!allowed.count(key)) {
      return fail(errc::invalid_argument,
                  fmt::format("config: unknown key {}{}{}", where, where.empty() ? "" : ".", key));
    }
  }
  return {};
}

template <class T>
result<void> read(const YAML::Node& parent, const char* section, const char* key, T& out) {
  if (!parent || !parent[key]) return {};
  try {
    out = parent[key].as<T>();
  } catch (const YAML::Exception&) {
    return fail(errc::invalid_argument, fmt::format("config: {}.{} has the wrong type", section, key));
  }
  return {};
}

result<void> read_seconds(const YAML::Node& parent, const char* section, const char* key,
                          std::chrono::seconds& out) {
  long long v = out.count();
  if (auto r = read(parent, section, key, v); !r) return r;
  if (v < 0) return fail(errc::invalid_argument, fmt::format("config: {}.{} must be ≥ 0", section, key));
  out = std::chrono::seconds(v);
  return {};
}

std::vector<std::string> split_csv(std::string_view text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in{std::string(text)};
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

template <class N>
result<void> env_number(const env_reader& env, const char* name, N& out) {
  auto v = env(name);
  if (!v) return {};
  N parsed{};
  const auto* end = v->data() + v->size();
  auto [ptr, ec] = std::from_chars(v->data(), end, parsed);
  if (ec != std::errc() || ptr != end) {
    return fail(errc::invalid_argument, fmt::format("config: environment variable {} is not a number", name));
  }
  out = parsed;
  return {};
}

result<void> apply_env(config& c, const env_reader& env) {
  auto str = [&](const char* name, std::string& out) {
    if (auto v = env(name)) out = *v;
  };
  str("DEVENV_LISTEN", c.server.listen);
  str("DEVENV_TLS_CERT_FILE", c.server.tls_cert_file);
  str("DEVENV_TLS_KEY_FILE", c.server.tls_key_file);
  str("DEVENV_PORT_FILE", c.server.port_file);
  str("DEVENV_SERVICE_NAME", c.server.service_name);
  str("DEVENV_WEBHOOK_CONFIGURATION", c.server.webhook_configuration);
  if (auto v = env("DEVENV_TLS_SELF_SIGNED")) c.server.tls_self_signed = *v == "true" || *v == "1";
  str("DEVENV_KUBECONFIG", c.kubernetes.kubeconfig);
  str("DEVENV_KUBE_CONTEXT", c.kubernetes.context);
  if (c.environments.own_namespace.empty()) str("POD_NAMESPACE", c.environments.own_namespace);
  str("DEVENV_NAMESPACE", c.environments.own_namespace);
  str("DEVENV_LABEL_KEY", c.environments.label_key);
  if (auto v = env("DEVENV_PROTECTED")) c.environments.protected_globs = split_csv(*v);
  str("DEVENV_API_TOKENS_FILE", c.api.tokens_file);
  str("DEVENV_API_TOKENS", c.api.tokens);
  str("DEVENV_LOG_LEVEL", c.log.level);
  str("DEVENV_LOG_FORMAT", c.log.format);
  long long drain = c.server.drain.count();
  long long timeout = c.kubernetes.timeout.count();
  for (auto r : {env_number(env, "DEVENV_MAX_BODY_BYTES", c.server.max_body_bytes),
                 env_number(env, "DEVENV_DRAIN_SECONDS", drain),
                 env_number(env, "DEVENV_WORKER_THREADS", c.server.worker_threads),
                 env_number(env, "DEVENV_KUBE_QPS", c.kubernetes.qps),
                 env_number(env, "DEVENV_KUBE_BURST", c.kubernetes.burst),
                 env_number(env, "DEVENV_KUBE_TIMEOUT_SECONDS", timeout),
                 env_number(env, "DEVENV_CONCURRENCY", c.environments.concurrency)}) {
    if (!r) return r;
  }
  c.server.drain = std::chrono::seconds(drain);
  c.kubernetes.timeout = std::chrono::seconds(timeout);
  return {};
}

result<void> validate(const config& c) {
  if (auto l = split_listen_address(c.server.listen); !l) return tl::unexpected(l.error());
  if (c.server.tls_cert_file.empty() != c.server.tls_key_file.empty()) {
    return fail(errc::invalid_argument, "config: server.tls_cert_file and server.tls_key_file go together");
  }
  if (c.server.max_body_bytes < 1024)
    return fail(errc::invalid_argument, "config: server.max_body_bytes < 1024");
  if (c.server.worker_threads < 1 || c.server.worker_threads > 256) {
    return fail(errc::invalid_argument, "config: server.worker_threads must be 1..256");
  }
  if (c.kubernetes.burst < 1) return fail(errc::invalid_argument, "config: kubernetes.burst must be ≥ 1");
  if (c.environments.concurrency < 1 || c.environments.concurrency > 64) {
    return fail(errc::invalid_argument, "config: environments.concurrency must be 1..64");
  }
  if (c.environments.label_key.empty())
    return fail(errc::invalid_argument, "config: environments.label_key is empty");
  if (c.log.format != "json" && c.log.format != "text") {
    return fail(errc::invalid_argument, "config: log.format must be json or text");
  }
  static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error"};
  if (!levels.count(c.log.level))
    return fail(errc::invalid_argument, "config: log.level must be trace..error");
  return {};
}

}  // namespace

result<std::pair<std::string, std::uint16_t>> split_listen_address(std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail(errc::invalid_argument, fmt::format("listen address '{}' must be host:port", listen));
  }
  unsigned port = 0;
  const auto digits = listen.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || port > 65535) {
    return fail(errc::invalid_argument, fmt::format("listen address '{}' has an invalid port", listen));
  }
  std::string host(listen.substr(0, colon));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

result<config> parse_config(std::string_view yaml_text, const env_reader& env) {
  config c;
  YAML::Node root;
  try {
    root = yaml_text.empty() ? YAML::Node() : YAML::Load(std::string(yaml_text));
    if (root && !root.IsNull()) {
      if (auto r = check_keys(root, "",
                              {"server", "kubernetes", "environments", "api", "log", "schedule", "slack",
                               "reconcile", "aws", "dashboard", "leader_election", "support"});
          !r) {
        return tl::unexpected(r.error());
      }
      const auto s = root["server"];
      const auto k = root["kubernetes"];
      const auto e = root["environments"];
      const auto a = root["api"];
      const auto l = root["log"];
      for (auto r :
           {check_keys(s, "server",
                       {"listen", "tls_cert_file", "tls_key_file", "max_body_bytes", "drain_seconds",
                        "worker_threads", "tls_self_signed", "service_name", "webhook_configuration"}),
            check_keys(k, "kubernetes", {"kubeconfig", "context", "qps", "burst", "timeout_seconds"}),
            check_keys(e, "environments", {"namespace", "protected", "label_key", "concurrency"}),
            check_keys(a, "api", {"tokens_file"}),
            check_keys(l, "log", {"level", "format"}),
            read(s, "server", "listen", c.server.listen),
            read(s, "server", "tls_cert_file", c.server.tls_cert_file),
            read(s, "server", "tls_key_file", c.server.tls_key_file),
            read(s, "server", "max_body_bytes", c.server.max_body_bytes),
            read_seconds(s, "server", "drain_seconds", c.server.drain),
            read(s, "server", "worker_threads", c.server.worker_threads),
            read(s, "server", "tls_self_signed", c.server.tls_self_signed),
            read(s, "server", "service_name", c.server.service_name),
            read(s, "server", "webhook_configuration", c.server.webhook_configuration),
            read(k, "kubernetes", "kubeconfig", c.kubernetes.kubeconfig),
            read(k, "kubernetes", "context", c.kubernetes.context),
            read(k, "kubernetes", "qps", c.kubernetes.qps),
            read(k, "kubernetes", "burst", c.kubernetes.burst),
            read_seconds(k, "kubernetes", "timeout_seconds", c.kubernetes.timeout),
            read(e, "environments", "namespace", c.environments.own_namespace),
            read(e, "environments", "protected", c.environments.protected_globs),
            read(e, "environments", "label_key", c.environments.label_key),
            read(e, "environments", "concurrency", c.environments.concurrency),
            read(a, "api", "tokens_file", c.api.tokens_file),
            read(l, "log", "level", c.log.level),
            read(l, "log", "format", c.log.format)}) {
        if (!r) return tl::unexpected(r.error());
      }
      if (root["reconcile"]) c.reconcile = root["reconcile"].as<bool>();
      const auto d = root["dashboard"];
      if (auto r = check_keys(d, "dashboard", {"public"}); !r) return tl::unexpected(r.error());
      if (auto r = read(d, "dashboard", "public", c.dashboard.public_access); !r)
        return tl::unexpected(r.error());
    }
  } catch (const YAML::Exception& ex) {
    return fail(errc::invalid_argument, fmt::format("config: invalid YAML: {}", ex.what()));
  }
  if (auto v = env("DEVENV_RECONCILE")) c.reconcile = *v != "false" && *v != "0";
  if (auto v = env("DEVENV_DASHBOARD_PUBLIC")) c.dashboard.public_access = *v != "false" && *v != "0";
  if (auto r = apply_env(c, env); !r) return tl::unexpected(r.error());
  if (auto r = validate(c); !r) return tl::unexpected(r.error());
  // The schedule and Slack sections belong to their modules, which also read their own variables.
  const YAML::Node none;
  const bool has_root = root && root.IsMap();
  auto schedule = schedule::parse_schedule_settings(has_root ? root["schedule"] : none, env);
  if (!schedule) return tl::unexpected(schedule.error());
  c.schedule = std::move(*schedule);
  auto slack = slack::parse_slack_settings(has_root ? root["slack"] : none, env);
  if (!slack) return tl::unexpected(slack.error());
  c.slack = std::move(*slack);
  auto support_section = support::parse_support_settings(has_root ? root["support"] : none);
  if (!support_section) return tl::unexpected(support_section.error());
  c.support = std::move(*support_section);
  auto election = lease::parse_election_settings(has_root ? root["leader_election"] : none, env);
  if (!election) return tl::unexpected(election.error());
  c.leader_election = std::move(*election);
  auto aws = inventory::parse_aws_settings(has_root ? root["aws"] : none, env);
  if (!aws) return tl::unexpected(aws.error());
  c.aws = std::move(*aws);
  return c;
}

result<config> load_config(const std::filesystem::path& file, const env_reader& env) {
  if (file.empty()) return parse_config({}, env);
  std::ifstream in(file);
  if (!in) return fail(errc::not_found, fmt::format("config: cannot read {}", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), env);
}

}  // namespace devenv::app
