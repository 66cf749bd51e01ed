// The Helm chart deploy/helm/devenv-scaler: `helm lint --strict`, what `helm template` renders with the
// default and the full values (tests/deploy/full-values.yaml), values the schema must refuse, the rendered
// configuration file accepted by the real server, and the manifests applied with kubectl to kube-sim.
#include "deploy/chart.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/yaml_json.h"
#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;

bool contains(const json& array, const std::string& value) {
  return array.is_array() && std::find(array.begin(), array.end(), value) != array.end();
}

// The item of `array` whose "name" is `name`, null when absent. A copy, so reading a missing key of it is a
// failed expectation rather than undefined behaviour (nlohmann's const operator[]).
json find_named(const json& array, const std::string& name) {
  if (!array.is_array()) return nullptr;
  for (const auto& item : array) {
    if (item.value("name", "") == name) return item;
  }
  return nullptr;
}

json server_container(const rendered_chart& chart) {
  auto deployment = chart.find("Deployment", kRelease);
  if (!deployment) return json::object();
  return (*deployment)["spec"]["template"]["spec"]["containers"][0];
}

json parsed_config(const rendered_chart& chart) {
  auto documents = parse_yaml_documents(rendered_config(chart));
  if (!documents || documents->empty()) return json::object();
  return documents->front();
}

TEST(ChartLint, StrictWithDefaultAndFullValues) {
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--values", full_values_file()}}) {
    std::vector<std::string> argv = {helm_binary().string(), "lint", "--strict", chart_dir().string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const auto r = run_command(argv);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("0 chart(s) failed"), std::string::npos) << r.out;
  }
}

TEST(ChartTemplate, DefaultValuesRenderTheServer) {
  const auto chart = render_chart();
  ASSERT_EQ(chart.helm.exit_code, 0) << chart.helm.err;

  auto deployment = chart.find("Deployment", kRelease);
  ASSERT_TRUE(deployment);
  auto& spec = (*deployment)["spec"];
  EXPECT_EQ(spec["replicas"], 2);
  auto& pod = spec["template"]["spec"];
  auto pod_labels = spec["template"]["metadata"]["labels"];
  auto container = server_container(chart);
  EXPECT_EQ(container["args"][0], "serve");
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"], "/readyz");
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["scheme"], "HTTPS");
  EXPECT_EQ(container["resources"]["requests"]["memory"], "32Mi");
  EXPECT_TRUE(container["resources"]["limits"].contains("memory"));
  // Restricted pod security: non-root numeric user, no privilege escalation, no capabilities, read-only root.
  EXPECT_EQ(pod["securityContext"]["runAsNonRoot"], true);
  EXPECT_GT(pod["securityContext"]["runAsUser"].get<int>(), 0);
  EXPECT_EQ(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  EXPECT_EQ(container["securityContext"]["readOnlyRootFilesystem"], true);
  EXPECT_EQ(container["securityContext"]["allowPrivilegeEscalation"], false);
  EXPECT_TRUE(contains(container["securityContext"]["capabilities"]["drop"], "ALL"));
  auto tmp = find_named(container["volumeMounts"], "tmp");
  EXPECT_EQ(tmp["mountPath"], "/tmp");
  EXPECT_TRUE(find_named(pod["volumes"], "tmp").contains("emptyDir"));
  EXPECT_FALSE(find_named(container["env"], "POD_NAMESPACE").is_null());

  // The PDB and the Service select the server's pods.
  auto pdb = chart.find("PodDisruptionBudget", kRelease);
  ASSERT_TRUE(pdb);
  EXPECT_EQ((*pdb)["spec"]["minAvailable"], 1);
  for (const auto& [key, value] : (*pdb)["spec"]["selector"]["matchLabels"].items()) {
    EXPECT_EQ(pod_labels.value(key, ""), value) << key;
  }
  auto service = chart.find("Service", kRelease);
  ASSERT_TRUE(service);
  for (const auto& [key, value] : (*service)["spec"]["selector"].items()) {
    EXPECT_EQ(pod_labels.value(key, ""), value) << key;
  }
  auto service_port = (*service)["spec"]["ports"][0];
  EXPECT_FALSE(find_named(container["ports"], service_port["targetPort"].get<std::string>()).is_null());

  // The webhook: never blocking, dry-run aware, fast, and blind to protected namespaces.
  auto webhooks = chart.find("MutatingWebhookConfiguration", kRelease);
  ASSERT_TRUE(webhooks);
  auto& webhook = (*webhooks)["webhooks"][0];
  EXPECT_EQ(webhook["failurePolicy"], "Ignore");
  EXPECT_EQ(webhook["sideEffects"], "NoneOnDryRun");
  EXPECT_LE(webhook["timeoutSeconds"].get<int>(), 5);
  EXPECT_EQ(webhook["clientConfig"]["service"]["name"], kRelease);
  EXPECT_EQ(webhook["clientConfig"]["service"]["namespace"], kReleaseNamespace);
  EXPECT_EQ(webhook["clientConfig"]["service"]["path"], "/admission/namespaces");
  EXPECT_EQ(webhook["clientConfig"]["service"]["port"], service_port["port"]);
  auto& expression = webhook["namespaceSelector"]["matchExpressions"][0];
  EXPECT_EQ(expression["key"], "kubernetes.io/metadata.name");
  EXPECT_EQ(expression["operator"], "NotIn");
  for (const auto* ns :
       {kReleaseNamespace, "kube-system", "kube-public", "kube-node-lease", "default", "devenv-support"}) {
    EXPECT_TRUE(contains(expression["values"], ns)) << ns;
  }

  // cert-manager by default: the serving certificate is for the Service, its Secret is what the pod mounts,
  // and the CA is injected from that Certificate.
  auto certificate = chart.find("Certificate", kRelease);
  ASSERT_TRUE(certificate);
  EXPECT_TRUE(contains((*certificate)["spec"]["dnsNames"], "devenv-scaler.devenv-scaler.svc"));
  EXPECT_EQ(find_named(pod["volumes"], "tls")["secret"]["secretName"], (*certificate)["spec"]["secretName"]);
  EXPECT_EQ((*webhooks)["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
            "devenv-scaler/devenv-scaler");

  // The configuration file: the port the container exposes, the CronJob running this image against this
  // Service.
  auto config = parsed_config(chart);
  EXPECT_EQ(config["server"]["listen"],
            "0.0.0.0:" + std::to_string(container["ports"][0]["containerPort"].get<int>()));
  EXPECT_EQ(config["schedule"]["cronjob"]["image"], container["image"]);
  EXPECT_EQ(config["schedule"]["cronjob"]["server_url"], "https://devenv-scaler.devenv-scaler.svc:443");
  EXPECT_EQ(config["server"]["tls_cert_file"], "/etc/devenv-scaler/tls/tls.crt");
  // The support pods' namespace is never an environment.
  EXPECT_TRUE(contains(config["environments"]["protected"], "devenv-support"));
  EXPECT_TRUE(contains(config["environments"]["protected"], "kube-*"));

  // RBAC: bound to the pod's service account; the Lease only in the release namespace.
  auto binding = chart.find("ClusterRoleBinding", kRelease);
  ASSERT_TRUE(binding);
  EXPECT_EQ((*binding)["subjects"][0]["name"], pod["serviceAccountName"]);
  EXPECT_EQ((*binding)["subjects"][0]["namespace"], kReleaseNamespace);
  auto lease_role = chart.find("Role", "devenv-scaler-leader-election");
  ASSERT_TRUE(lease_role);
  EXPECT_EQ((*lease_role)["metadata"]["namespace"], kReleaseNamespace);
  EXPECT_FALSE(chart.find("Deployment", "devenv-scaler-cacher"));
  // No secret given, no Secret (the pod's references to it are optional).
  EXPECT_FALSE(chart.find("Secret", kRelease));
}

TEST(ChartTemplate, FullValuesRenderEveryOption) {
  const auto chart = render_chart({full_values_file()});
  ASSERT_EQ(chart.helm.exit_code, 0) << chart.helm.err;
  auto deployment = chart.find("Deployment", kRelease);
  ASSERT_TRUE(deployment);
  EXPECT_EQ((*deployment)["spec"]["replicas"], 3);
  auto container = server_container(chart);
  EXPECT_EQ(container["image"], "registry.example.com/platform/devenv-scaler:1.2.3");

  auto account = chart.find("ServiceAccount", kRelease);
  ASSERT_TRUE(account);
  EXPECT_EQ((*account)["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
            "arn:aws:iam::123456789012:role/devenv-scaler");
  EXPECT_EQ((*account)["metadata"]["annotations"]["example.com/owner"], "platform");

  auto cacher = chart.find("Deployment", "devenv-scaler-cacher");
  ASSERT_TRUE(cacher);
  auto cacher_pod = (*cacher)["spec"]["template"]["spec"];
  EXPECT_EQ(cacher_pod["containers"][0]["args"][0], "cacher");
  EXPECT_EQ(cacher_pod["serviceAccountName"], (*account)["metadata"]["name"]);

  // The Secret holds the three secrets; the tokens file is mounted where the configuration says.
  auto secret = chart.find("Secret", kRelease);
  ASSERT_TRUE(secret);
  for (const auto* key : {"slack-signing-secret", "slack-bot-token", "api-tokens.yaml"}) {
    EXPECT_TRUE((*secret)["data"].contains(key)) << key;
  }
  auto config = parsed_config(chart);
  EXPECT_EQ(config["api"]["tokens_file"], "/etc/devenv-scaler/secrets/api-tokens.yaml");
  EXPECT_EQ(find_named(container["volumeMounts"], "secrets")["mountPath"], "/etc/devenv-scaler/secrets");
  // A given issuer replaces the chart's own CA chain.
  EXPECT_TRUE(chart.all("Issuer").empty());
  EXPECT_EQ((*chart.find("Certificate", kRelease))["spec"]["issuerRef"]["kind"], "ClusterIssuer");
  // Explicit CronJob settings win over what the chart would fill in.
  EXPECT_EQ(config["schedule"]["cronjob"]["server_url"], "https://devenv-scaler.devenv-scaler.svc:8443");
  EXPECT_EQ(config["server"]["listen"], "0.0.0.0:9443");
  auto webhooks = chart.find("MutatingWebhookConfiguration", kRelease);
  ASSERT_TRUE(webhooks);
  EXPECT_TRUE(contains((*webhooks)["webhooks"][0]["namespaceSelector"]["matchExpressions"][0]["values"],
                       "monitoring"));
  EXPECT_EQ((*webhooks)["webhooks"][0]["timeoutSeconds"], 3);
}

struct tls_case {
  const char* name;
  std::vector<std::string> set;
  bool certificate;         // a cert-manager Certificate is rendered
  bool self_signed_env;     // DEVENV_TLS_SELF_SIGNED=true
  bool webhook_patch_rule;  // the ClusterRole may patch (only) its own webhook configuration
  bool ca_bundle;           // the chart writes the caBundle itself
};

TEST(ChartTemplate, TlsModes) {
  const std::vector<tls_case> cases = {
      {"certManager", {}, true, false, false, false},
      {"selfSigned", {"tls.mode=selfSigned", "replicaCount=1"}, false, true, true, false},
      {"existingSecret",
       {"tls.mode=existingSecret", "tls.existingSecret=my-tls", "tls.caBundle=-----BEGIN CERTIFICATE-----"},
       false,
       false,
       false,
       true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto chart = render_chart({}, c.set);
    ASSERT_EQ(chart.helm.exit_code, 0) << chart.helm.err;
    EXPECT_EQ(chart.find("Certificate", kRelease).has_value(), c.certificate);
    auto container = server_container(chart);
    auto env = find_named(container["env"], "DEVENV_TLS_SELF_SIGNED");
    EXPECT_EQ(!env.is_null() && env["value"] == "true", c.self_signed_env);
    EXPECT_EQ(!find_named(container["volumeMounts"], "tls").is_null(), !c.self_signed_env);
    auto role = chart.find("ClusterRole", kRelease);
    ASSERT_TRUE(role);
    bool patch_rule = false;
    for (const auto& rule : (*role)["rules"]) {
      if (!contains(rule["resources"], "mutatingwebhookconfigurations")) continue;
      patch_rule = true;
      EXPECT_EQ(rule["resourceNames"], json::array({kRelease}));
    }
    EXPECT_EQ(patch_rule, c.webhook_patch_rule);
    auto webhooks = chart.find("MutatingWebhookConfiguration", kRelease);
    ASSERT_TRUE(webhooks);
    EXPECT_EQ((*webhooks)["webhooks"][0]["clientConfig"].contains("caBundle"), c.ca_bundle);
    // One replica (selfSigned): a PDB with minAvailable 1 would block node drains, so there is none.
    EXPECT_EQ(chart.find("PodDisruptionBudget", kRelease).has_value(), c.name != std::string("selfSigned"));
  }
}

struct refusal_case {
  std::vector<std::string> set;
  const char* expected;  // in helm's error
};

TEST(ChartTemplate, SchemaRefusesBadValues) {
  const std::vector<refusal_case> cases = {
      {{"webhook.failurePolicy=Fail"}, "failurePolicy"},
      {{"webhook.timeoutSeconds=10"}, "timeoutSeconds"},
      {{"secrets.apiTokens[0].name=ci", "secrets.apiTokens[0].token=short"}, "token"},
      {{"config.no_such_key=1"}, "no_such_key"},
      {{"config.schedule.shutdown=25:00"}, "shutdown"},
      {{"config.log.level=verbose"}, "level"},
      {{"tls.mode=none"}, "mode"},
      {{"replicaCount=0"}, "replicaCount"},
      {{"tls.mode=existingSecret", "tls.caBundle=-----BEGIN CERTIFICATE-----"}, "tls.existingSecret"},
      {{"tls.mode=existingSecret", "tls.existingSecret=my-tls"}, "tls.caBundle"},
      {{"aws.irsaRoleArn=not-an-arn"}, "irsaRoleArn"},
      {{"cacher.enabled=true"}, "config.aws.store: dynamodb"},
      {{"tls.mode=selfSigned"}, "tls.mode=selfSigned needs replicaCount: 1"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.set.front());
    const auto chart = render_chart({}, c.set);
    EXPECT_NE(chart.helm.exit_code, 0);
    EXPECT_NE(chart.helm.err.find(c.expected), std::string::npos) << chart.helm.err;
  }
}

struct config_case {
  const char* name;
  std::vector<std::filesystem::path> values;
  std::vector<std::string> set;
};

// The rendered config.yaml is the server's configuration file: the real server must start with it (unknown
// keys and bad values are fatal there), and the API tokens from the rendered Secret must authenticate.
TEST(ChartConfig, AcceptedByTheServer) {
  const std::vector<config_case> cases = {
      {"default", {}, {}},
      {"full", {full_values_file()}, {}},
      {"selfSigned", {}, {"tls.mode=selfSigned", "replicaCount=1"}},
  };
  temp_dir dir("devenv-chart-config");
  kube_sim_process sim(dir.path() / "sim");
  ASSERT_TRUE(sim.ready()) << sim.process().log();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto chart = render_chart(c.values, c.set);
    ASSERT_EQ(chart.helm.exit_code, 0) << chart.helm.err;
    const auto folder = dir.path() / c.name;
    const auto config_file = dir.write(std::string(c.name) + "/config.yaml", rendered_config(chart));
    // What the pod gets from Kubernetes rather than the file: its namespace, and files at their mount
    // paths (here: TLS off, the tokens file from the rendered Secret).
    std::map<std::string, std::string> env = {{"DEVENV_CONFIG", config_file.string()},
                                              {"DEVENV_NAMESPACE", kReleaseNamespace},
                                              {"DEVENV_TLS_CERT_FILE", ""},
                                              {"DEVENV_TLS_KEY_FILE", ""},
                                              {"DEVENV_LOG_FORMAT", "text"},
                                              // No AWS here: the aws section is still parsed and checked.
                                              {"DEVENV_AWS_ENABLED", "false"}};
    std::string token;
    auto secret = chart.find("Secret", kRelease);
    if (secret && secret->contains("data") && (*secret)["data"].is_object() &&
        (*secret)["data"].contains("api-tokens.yaml")) {
      const auto encoded = dir.write(std::string(c.name) + "/tokens.b64",
                                     (*secret)["data"]["api-tokens.yaml"].get<std::string>());
      const auto decoded = run_command({"base64", "-d", encoded.string()});
      ASSERT_EQ(decoded.exit_code, 0);
      env["DEVENV_API_TOKENS_FILE"] = dir.write(std::string(c.name) + "/tokens.yaml", decoded.out).string();
      token = "ci-token-0123456789abcdef";  // from full-values.yaml
    }
    scaler_process scaler(folder / "scaler", sim.kubeconfig(), "", env);
    ASSERT_TRUE(scaler.ready()) << scaler.process().log();
    const std::string base = "http://127.0.0.1:" + std::to_string(scaler.port());
    auto status = [&](const std::string& bearer) {
      auto r = run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                            "Authorization: Bearer " + bearer, base + "/api/v1/environments/dev1/stop"});
      return r.out;
    };
    EXPECT_EQ(status("wrong-token-0123456789"), "401");
    if (!token.empty()) {
      EXPECT_EQ(status(token), "404");  // authenticated; dev1 does not exist
    }
    EXPECT_EQ(scaler.process().stop(), 0) << scaler.process().log();
  }

  // The check can fail: a key the server does not know stops it at start.
  const auto chart = render_chart();
  const auto bad = dir.write("bad/config.yaml", rendered_config(chart) + "no_such_section: {}\n");
  scaler_process scaler(
      dir.path() / "bad" / "scaler", sim.kubeconfig(), "",
      {{"DEVENV_CONFIG", bad.string()}, {"DEVENV_TLS_CERT_FILE", ""}, {"DEVENV_TLS_KEY_FILE", ""}});
  EXPECT_FALSE(scaler.ready());
  EXPECT_NE(scaler.process().log().find("no_such_section"), std::string::npos) << scaler.process().log();
}

// cert-manager's kinds come with its CRDs, which a cluster without cert-manager (and kube-sim) lacks.
bool needs_cert_manager(const json& object) {
  return object.value("apiVersion", "").starts_with("cert-manager.io/");
}

TEST(ChartApply, KubectlAppliesTheManifestsToKubeSim) {
  for (const auto& values :
       {std::vector<std::filesystem::path>{}, std::vector<std::filesystem::path>{full_values_file()}}) {
    SCOPED_TRACE(values.empty() ? "default values" : "full values");
    const auto chart = render_chart(values);
    ASSERT_EQ(chart.helm.exit_code, 0) << chart.helm.err;
    temp_dir dir("devenv-chart-apply");
    kube_sim_process sim(dir.path() / "sim");
    ASSERT_TRUE(sim.ready()) << sim.process().log();
    ASSERT_EQ(sim.kubectl({"create", "namespace", kReleaseNamespace}).exit_code, 0);

    std::string manifests;
    std::vector<json> applied;
    std::set<std::string> skipped;
    for (const auto& object : chart.objects) {
      if (needs_cert_manager(object)) {
        skipped.insert(object["kind"].get<std::string>());
        continue;
      }
      manifests += "---\n" + object.dump() + "\n";
      applied.push_back(object);
    }
    EXPECT_EQ(skipped, (values.empty() ? std::set<std::string>{"Certificate", "Issuer"}
                                       : std::set<std::string>{"Certificate"}));
    const auto file = dir.write("chart.yaml", manifests);
    const auto first = sim.kubectl({"apply", "-f", file.string()});
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_EQ(first.err, "");

    // Applying again changes nothing, and every object reads back. (kubectl re-sends a PDB's selector on
    // every apply — its patch strategy is "replace" — so it reports the PDB as configured.)
    const auto second = sim.kubectl({"apply", "-f", file.string()});
    ASSERT_EQ(second.exit_code, 0) << second.err;
    std::istringstream lines(second.out);
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with("poddisruptionbudget")) {
        EXPECT_NE(line.find(" unchanged"), std::string::npos) << line;
      }
    }
    for (const auto& object : applied) {
      const std::string kind = object["kind"];
      const std::string name = object["metadata"]["name"];
      std::vector<std::string> args = {"get", kind, name, "-o", "json"};
      if (object["metadata"].contains("namespace"))
        args.insert(args.end(), {"-n", object["metadata"]["namespace"].get<std::string>()});
      const auto got = sim.kubectl(args);
      ASSERT_EQ(got.exit_code, 0) << kind << "/" << name << ": " << got.err;
      const auto labels = json::parse(got.out)["metadata"]["labels"];
      const json wanted = object["metadata"].value("labels", json::object());
      for (const auto& [key, value] : wanted.items()) {
        EXPECT_EQ(labels.value(key, ""), value) << kind << "/" << name << " label " << key;
      }
    }
  }
}

}  // namespace
}  // namespace devenv::testing
