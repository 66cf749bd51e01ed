#include "app/config.h"

#include <gtest/gtest.h>

#include <map>

namespace devenv::app {
namespace {

env_reader fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(Config, DefaultsWithoutFileOrEnvironment) {
  auto c = parse_config("", fake_env({}));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->server.listen, "0.0.0.0:8080");
  EXPECT_EQ(c->environments.label_key, "scheduler");
  EXPECT_EQ(c->environments.protected_globs, (std::vector<std::string>{"kube-*", "default"}));
  EXPECT_EQ(c->kubernetes.qps, 20);
  EXPECT_EQ(c->log.format, "json");
}

TEST(Config, FileThenEnvironmentOverride) {
  auto c = parse_config(R"(
server: {listen: "127.0.0.1:9000", drain_seconds: 3}
kubernetes: {qps: 50, burst: 100}
environments: {namespace: devenv, protected: ["kube-*", "prod-*"], concurrency: 4}
log: {level: debug, format: text}
)",
                        fake_env({{"DEVENV_KUBE_QPS", "75"}, {"DEVENV_PROTECTED", "kube-*, ops"}}));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->server.listen, "127.0.0.1:9000");
  EXPECT_EQ(c->server.drain, std::chrono::seconds(3));
  EXPECT_EQ(c->kubernetes.qps, 75);
  EXPECT_EQ(c->kubernetes.burst, 100);
  EXPECT_EQ(c->environments.own_namespace, "devenv");
  EXPECT_EQ(c->environments.protected_globs, (std::vector<std::string>{"kube-*", "ops"}));
  EXPECT_EQ(c->environments.concurrency, 4);
  EXPECT_EQ(c->log.level, "debug");
}

TEST(Config, SelfSignedTlsKeysInTheFileAndTheEnvironment) {
  auto c = parse_config("server: {tls_self_signed: true, service_name: scaler, webhook_configuration: wh}",
                        fake_env({}));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_TRUE(c->server.tls_self_signed);
  EXPECT_EQ(c->server.service_name, "scaler");
  EXPECT_EQ(c->server.webhook_configuration, "wh");
  auto overridden = parse_config("server: {tls_self_signed: true}", fake_env({{"DEVENV_TLS_SELF_SIGNED", "false"}}));
  ASSERT_TRUE(overridden.has_value());
  EXPECT_FALSE(overridden->server.tls_self_signed);
  EXPECT_FALSE(parse_config("server: {tls_self_signed: maybe}", fake_env({})).has_value());
}

TEST(Config, PodNamespaceIsTheDefaultOwnNamespace) {
  EXPECT_EQ(parse_config("", fake_env({{"POD_NAMESPACE", "tools"}}))->environments.own_namespace, "tools");
  EXPECT_EQ(parse_config("", fake_env({{"POD_NAMESPACE", "tools"}, {"DEVENV_NAMESPACE", "x"}}))
                ->environments.own_namespace,
            "x");
}

TEST(Config, RejectsBadInputNamingTheKey) {
  struct row {
    const char* yaml;
    std::map<std::string, std::string> env;
    const char* mentions;
  };
  const row rows[] = {
      {"server: {lisen: x}", {}, "server.lisen"},
      {"nope: 1", {}, "nope"},
      {"server: {listen: 'no-port'}", {}, "host:port"},
      {"server: {listen: '1.2.3.4:99999'}", {}, "invalid port"},
      {"kubernetes: {qps: fast}", {}, "kubernetes.qps"},
      {"environments: {concurrency: 0}", {}, "concurrency"},
      {"log: {format: xml}", {}, "log.format"},
      {"server: {tls_cert_file: /x}", {}, "go together"},
      {"server: [1, 2", {}, "invalid YAML"},
      {"", {{"DEVENV_KUBE_BURST", "lots"}}, "DEVENV_KUBE_BURST"},
  };
  for (const auto& r : rows) {
    auto c = parse_config(r.yaml, fake_env(r.env));
    ASSERT_FALSE(c.has_value()) << r.yaml;
    EXPECT_EQ(c.error().code, errc::invalid_argument);
    EXPECT_NE(c.error().message.find(r.mentions), std::string::npos) << c.error().message;
  }
}

TEST(Config, SplitsListenAddresses) {
  EXPECT_EQ(*split_listen_address("0.0.0.0:8080"), (std::pair<std::string, std::uint16_t>{"0.0.0.0", 8080}));
  EXPECT_EQ(*split_listen_address("[::1]:0"), (std::pair<std::string, std::uint16_t>{"::1", 0}));
  EXPECT_FALSE(split_listen_address(":80").has_value());
  EXPECT_FALSE(split_listen_address("host:").has_value());
}

}  // namespace
}  // namespace devenv::app
