#include "kube/config.h"

#include <gtest/gtest.h>

#include <map>

#include "kube/testing/temp_dir.h"

namespace devenv::kube {
namespace {

using testing::temp_dir;

// A kubeconfig with two contexts; users vary per test case.
std::string kubeconfig(const std::string& user, const std::string& cluster_extra = "",
                       const std::string& current = "current-context: main\n") {
  return "apiVersion: v1\nkind: Config\n" + current +
         "clusters:\n"
         "- name: c1\n"
         "  cluster:\n"
         "    server: https://10.0.0.1:6443/\n" +
         cluster_extra +
         "- name: c2\n"
         "  cluster:\n"
         "    server: http://127.0.0.1:8080\n"
         "contexts:\n"
         "- name: main\n"
         "  context: {cluster: c1, user: u1, namespace: team-a}\n"
         "- name: other\n"
         "  context: {cluster: c2, user: ''}\n"
         "users:\n"
         "- name: u1\n"
         "  user:\n" +
         user;
}

struct kubeconfig_case {
  std::string name;
  std::string user;
  std::string cluster_extra;
  std::function<void(const connection_config&, const std::filesystem::path& dir)> check;
};

TEST(LoadKubeconfig, ParsesCredentialsAndTls) {
  std::vector<kubeconfig_case> cases = {
      {"token", "    token: abc\n", "",
       [](const connection_config& c, const auto&) {
         EXPECT_EQ(c.token, "abc");
         EXPECT_EQ(c.server, "https://10.0.0.1:6443");  // trailing slash dropped
         EXPECT_EQ(c.default_namespace, "team-a");
         EXPECT_FALSE(c.insecure_skip_tls_verify);
       }},
      {"token file relative to the kubeconfig", "    tokenFile: secrets/token\n", "",
       [](const connection_config& c, const auto& dir) {
         EXPECT_EQ(c.token_file, (dir / "secrets/token").string());
         EXPECT_TRUE(c.token.empty());
       }},
      {"client cert files, absolute and relative",
       "    client-certificate: /etc/pki/u1.crt\n    client-key: ../keys/u1.key\n", "",
       [](const connection_config& c, const auto& dir) {
         EXPECT_EQ(c.client_cert_file, "/etc/pki/u1.crt");
         EXPECT_EQ(c.client_key_file, (dir.parent_path() / "keys/u1.key").string());
       }},
      {"client cert data is base64-decoded",
       "    client-certificate-data: Y2VydC1wZW0=\n    client-key-data: a2V5LXBlbQ==\n",
       "    certificate-authority-data: Y2EtcGVt\n",
       [](const connection_config& c, const auto&) {
         EXPECT_EQ(c.client_cert_data, "cert-pem");
         EXPECT_EQ(c.client_key_data, "key-pem");
         EXPECT_EQ(c.ca_data, "ca-pem");
       }},
      {"CA file and insecure flag", "    token: t\n",
       "    certificate-authority: ca.crt\n    insecure-skip-tls-verify: true\n",
       [](const connection_config& c, const auto& dir) {
         EXPECT_EQ(c.ca_file, (dir / "ca.crt").string());
         EXPECT_TRUE(c.insecure_skip_tls_verify);
       }},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    temp_dir dir;
    auto file = dir.write("conf/kubeconfig", kubeconfig(tc.user, tc.cluster_extra));
    auto config = load_kubeconfig(file);
    ASSERT_TRUE(config) << config.error().message;
    tc.check(*config, file.parent_path());
  }
}

TEST(LoadKubeconfig, ExplicitContextOverridesCurrent) {
  temp_dir dir;
  auto file = dir.write("kubeconfig", kubeconfig("    token: abc\n"));
  auto config = load_kubeconfig(file, "other");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->server, "http://127.0.0.1:8080");
  EXPECT_TRUE(config->token.empty());  // anonymous user
  EXPECT_EQ(config->default_namespace, "default");
}

struct error_case {
  std::string name;
  std::string content;
  std::string context;
  errc code;
  std::vector<std::string> message_parts;  // the message must name the file and the key
};

TEST(LoadKubeconfig, ErrorsNameFileAndKey) {
  std::vector<error_case> cases = {
      {"no current context",
       kubeconfig("    token: t\n", "", ""),
       "",
       errc::invalid_argument,
       {"current-context"}},
      {"unknown context", kubeconfig("    token: t\n"), "nope", errc::invalid_argument, {"nope", "contexts"}},
      {"missing server",
       "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: "
       "{}\n",
       "",
       errc::invalid_argument,
       {"clusters[name=c].cluster.server"}},
      {"missing user entry",
       "current-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: ghost}\nclusters:\n- name: "
       "c\n  "
       "cluster: {server: 'https://a'}\n",
       "",
       errc::invalid_argument,
       {"ghost", "users"}},
      {"bad base64",
       kubeconfig("    client-certificate-data: '!!!'\n    client-key-data: a2V5LXBlbQ==\n"),
       "",
       errc::invalid_argument,
       {"users[name=u1].user.client-certificate-data"}},
      {"cert without key",
       kubeconfig("    client-certificate: a.crt\n"),
       "",
       errc::invalid_argument,
       {"client certificate but no client key"}},
      {"exec plugin unsupported",
       kubeconfig("    exec: {command: aws}\n"),
       "",
       errc::invalid_argument,
       {"users[name=u1].user.exec"}},
      {"not yaml", "{{{", "", errc::invalid_argument, {"kubeconfig"}},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    temp_dir dir;
    auto file = dir.write("kubeconfig", tc.content);
    auto config = load_kubeconfig(file, tc.context);
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().code, tc.code);
    EXPECT_NE(config.error().message.find(file.filename().string()), std::string::npos)
        << config.error().message;
    for (const auto& part : tc.message_parts) {
      EXPECT_NE(config.error().message.find(part), std::string::npos) << config.error().message;
    }
  }
}

TEST(LoadKubeconfig, MissingFileIsNotFound) {
  temp_dir dir;
  auto config = load_kubeconfig(dir.path() / "absent");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, errc::not_found);
  EXPECT_NE(config.error().message.find("absent"), std::string::npos);
}

env_reader fake_env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

void write_service_account(const temp_dir& root) {
  root.write("var/run/secrets/kubernetes.io/serviceaccount/token", "sa-token\n");
  root.write("var/run/secrets/kubernetes.io/serviceaccount/ca.crt", "ca");
  root.write("var/run/secrets/kubernetes.io/serviceaccount/namespace", "devenv-system\n");
}

TEST(LoadInCluster, ReadsServiceAccountFromRoot) {
  temp_dir root;
  write_service_account(root);
  struct in_cluster_case {
    std::string host;
    std::string expected_server;
  };
  for (const auto& tc : std::vector<in_cluster_case>{{"10.96.0.1", "https://10.96.0.1:443"},
                                                     {"fd00::1", "https://[fd00::1]:443"}}) {
    SCOPED_TRACE(tc.host);
    auto config = load_in_cluster(
        fake_env({{"KUBERNETES_SERVICE_HOST", tc.host}, {"KUBERNETES_SERVICE_PORT", "443"}}), root.path());
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->server, tc.expected_server);
    EXPECT_EQ(config->token_file,
              (root.path() / "var/run/secrets/kubernetes.io/serviceaccount/token").string());
    EXPECT_EQ(config->ca_file,
              (root.path() / "var/run/secrets/kubernetes.io/serviceaccount/ca.crt").string());
    EXPECT_EQ(config->default_namespace, "devenv-system");
  }
}

TEST(LoadInCluster, NotInClusterOrMissingToken) {
  temp_dir root;
  auto outside = load_in_cluster(fake_env({}), root.path());
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().code, errc::not_found);

  auto no_token = load_in_cluster(
      fake_env({{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}}), root.path());
  ASSERT_FALSE(no_token);
  EXPECT_EQ(no_token.error().code, errc::invalid_argument);
  EXPECT_NE(no_token.error().message.find("token"), std::string::npos);
}

TEST(Resolve, PrecedenceExplicitThenKubeconfigEnvThenInClusterThenHome) {
  temp_dir root;
  auto explicit_file = root.write("explicit", kubeconfig("    token: explicit\n"));
  auto env_file = root.write("env", kubeconfig("    token: env\n"));
  auto home_file = root.write("home/.kube/config", kubeconfig("    token: home\n"));
  write_service_account(root);
  std::map<std::string, std::string> all = {
      {"KUBECONFIG", root.path().string() + "/absent:" + env_file.string()},
      {"KUBERNETES_SERVICE_HOST", "10.0.0.9"},
      {"KUBERNETES_SERVICE_PORT", "443"},
      {"HOME", (root.path() / "home").string()}};

  auto a = resolve(explicit_file.string(), "", fake_env(all), root.path());
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->token, "explicit");

  auto b = resolve("", "", fake_env(all), root.path());
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->token, "env");  // first existing file of the list

  all.erase("KUBECONFIG");
  auto c = resolve("", "", fake_env(all), root.path());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server, "https://10.0.0.9:443");

  all.erase("KUBERNETES_SERVICE_HOST");
  auto d = resolve("", "", fake_env(all), root.path());
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->token, "home");

  all.erase("HOME");
  auto e = resolve("", "", fake_env(all), root.path());
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, errc::not_found);
}

}  // namespace
}  // namespace devenv::kube
