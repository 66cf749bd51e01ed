// The nightly-shutdown machinery end to end, judged with the real kubectl: kube-sim calls devenv-scaler's
// namespace admission webhook over TLS (caBundle verified), the CronJob follows the namespace's label,
// a server-side dry run changes nothing, a namespace created while the webhook is down is fixed by the
// reconciler, and the CronJob's own command stops its namespace and is refused for another.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "admission/admission_decision.h"
#include "http/certificate_authority.h"
#include "slack/signature.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kSlackSecret = "8f742231b10e8888abcd99yyyzzz85a5";

// The namespace webhook as a Helm chart would register it; `ca_pem` empty: no caBundle (self-signed mode).
json namespace_webhook_configuration(const std::string& url, const std::string& ca_pem) {
  json client_config = {{"url", url}};
  if (!ca_pem.empty()) client_config["caBundle"] = admission::base64_encode(ca_pem);
  return {{"apiVersion", "admissionregistration.k8s.io/v1"},
          {"kind", "MutatingWebhookConfiguration"},
          {"metadata", {{"name", "devenv-scaler"}}},
          {"webhooks",
           {{{"name", "namespaces.devenv-scaler.io"},
             {"admissionReviewVersions", {"v1"}},
             {"sideEffects", "NoneOnDryRun"},
             {"failurePolicy", "Ignore"},
             {"timeoutSeconds", 5},
             {"clientConfig", client_config},
             {"rules",
              {{{"apiGroups", {""}},
                {"apiVersions", {"v1"}},
                {"operations", {"CREATE", "UPDATE"}},
                {"resources", {"namespaces"}}}}}}}}};
}

class SchedulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<kube_sim_process>(dir_.path(), std::vector<std::string>{"--ready-delay", "0ms"});
    ASSERT_TRUE(sim_->ready()) << sim_->process().log();
    // The scaler's serving certificate, from our own CA (the webhook configuration carries the CA).
    auto ca = http::certificate_authority::create("devenv-test-ca", std::chrono::system_clock::now());
    ASSERT_TRUE(ca.has_value());
    auto serving =
        ca->issue({"devenv-scaler", {"localhost"}, {"127.0.0.1"}}, std::chrono::system_clock::now());
    ASSERT_TRUE(serving.has_value());
    ca_pem_ = ca->certificate_pem();
    ca_file_ = dir_.write("ca.crt", ca_pem_);
    ASSERT_TRUE(
        http::certificate_authority::write_files(*serving, dir_.path() / "tls.crt", dir_.path() / "tls.key"));
    config_file_ = dir_.write("config.yaml", R"(schedule:
  timezone: Europe/Berlin
  shutdown: "19:00"
  reset: "06:00"
slack:
  access:
    default:
      environments: ["*"]
      actions: [status, list, prolongate]
)");
    start_scaler("127.0.0.1:0");
    register_webhook();
  }

  void start_scaler(const std::string& listen) {
    scaler_.reset();
    scaler_ = std::make_unique<scaler_process>(
        dir_.path() / "scaler", sim_->kubeconfig(), "admin:admin-token-0123456789",
        std::map<std::string, std::string>{{"DEVENV_TLS_CERT_FILE", (dir_.path() / "tls.crt").string()},
                                           {"DEVENV_TLS_KEY_FILE", (dir_.path() / "tls.key").string()},
                                           {"DEVENV_CONFIG", config_file_.string()},
                                           {"DEVENV_SLACK_SIGNING_SECRET", kSlackSecret}},
        listen);
    ASSERT_TRUE(scaler_->ready()) << scaler_->process().log();
  }

  void register_webhook() {
    const json config = namespace_webhook_configuration(scaler_->url() + "/admission/namespaces", ca_pem_);
    const auto file = dir_.write("webhook.json", config.dump());
    auto r = sim_->kubectl({"apply", "-f", file.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // The namespace's devenv-shutdown CronJob, polled until `accept` holds or the deadline passes.
  json wait_for_cronjob(const std::string& ns, const std::function<bool(const json&)>& accept,
                        std::chrono::seconds deadline = 30s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    json last;
    while (std::chrono::steady_clock::now() < until) {
      auto r = sim_->kubectl({"get", "cronjob", "devenv-shutdown", "-n", ns, "-o", "json"});
      if (r.exit_code == 0) {
        last = json::parse(r.out);
        if (accept(last)) return last;
      }
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "CronJob in " << ns << " did not converge; last seen: " << last.dump().substr(0, 500)
                  << "\nscaler log:\n"
                  << scaler_->process().log().substr(0, 3000);
    return last;
  }

  json get_json(std::vector<std::string> args) {
    args.insert(args.end(), {"-o", "json"});
    auto r = sim_->kubectl(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json::object();
  }

  temp_dir dir_{"devenv-sched"};
  std::unique_ptr<kube_sim_process> sim_;
  std::unique_ptr<scaler_process> scaler_;
  std::string ca_pem_;
  std::filesystem::path ca_file_, config_file_;
};

// A signed slash command, as Slack sends it, answered by the real server.
json slack_command(const scaler_process& scaler, const std::filesystem::path& ca, const std::string& text) {
  const auto ts = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::string encoded;
  for (char c : text) encoded += c == ' ' ? std::string("+") : std::string(1, c);
  const std::string body =
      "token=x&team_id=T1&team_domain=acme&channel_id=C1&channel_name=dev&user_id=U_ALICE"
      "&user_name=alice&command=%2Fdevenv&text=" +
      encoded + "&api_app_id=A1&response_url=https%3A%2F%2Fhooks.slack.com%2Fx&trigger_id=t";
  auto r = run_command({"curl", "-s", "--cacert", ca.string(), "-H", "X-Slack-Request-Timestamp: " + ts, "-H",
                        "X-Slack-Signature: " + slack::sign(kSlackSecret, ts, body), "--data-binary", body,
                        scaler.url() + "/slack/commands"});
  return json::parse(r.out, nullptr, false);
}

bool is_active(const json& cj) {
  return !cj["spec"].value("suspend", false);
}
bool is_suspended(const json& cj) {
  return cj["spec"].value("suspend", false);
}

TEST_F(SchedulesTest, NewNamespaceGetsTheLabelAndAnActiveCronJobAndRelabelSuspendsIt) {
  auto created = sim_->kubectl({"create", "namespace", "dev9"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const auto ns = get_json({"get", "namespace", "dev9"});
  EXPECT_EQ(ns["metadata"]["labels"].value("scheduler", ""), "enabled")
      << "the webhook makes the intent visible";

  const auto cj = wait_for_cronjob("dev9", is_active);
  EXPECT_EQ(cj["spec"]["schedule"], "0 19 * * 1-5");
  EXPECT_EQ(cj["spec"]["timeZone"], "Europe/Berlin");
  EXPECT_EQ(cj["spec"]["concurrencyPolicy"], "Forbid");
  EXPECT_EQ(cj["metadata"]["labels"]["app.kubernetes.io/managed-by"], "devenv-scaler");

  auto relabel = sim_->kubectl({"label", "namespace", "dev9", "scheduler=disabled", "--overwrite"});
  ASSERT_EQ(relabel.exit_code, 0) << relabel.err;
  wait_for_cronjob("dev9", is_suspended);
  ASSERT_EQ(sim_->kubectl({"label", "namespace", "dev9", "scheduler=enabled", "--overwrite"}).exit_code, 0);
  wait_for_cronjob("dev9", is_active);
}

TEST_F(SchedulesTest, ServerSideDryRunCreatesNothing) {
  auto dry = sim_->kubectl({"create", "namespace", "dry1", "--dry-run=server"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  // The webhook saw the dry run...
  const auto calls = sim_->kubectl({"get", "--raw", "/_sim/webhooks"});
  EXPECT_NE(calls.out.find("dry1"), std::string::npos) << calls.out.substr(0, 1000);
  // ...and a real namespace created afterwards converges while dry1 never gets anything.
  ASSERT_EQ(sim_->kubectl({"create", "namespace", "real1"}).exit_code, 0);
  wait_for_cronjob("real1", is_active);
  EXPECT_NE(sim_->kubectl({"get", "namespace", "dry1"}).exit_code, 0);
  EXPECT_NE(sim_->kubectl({"get", "cronjob", "devenv-shutdown", "-n", "dry1"}).exit_code, 0);
}

TEST_F(SchedulesTest, NamespaceCreatedWhileTheWebhookIsDownIsFixedWhenItReturns) {
  const auto port = scaler_->port();
  scaler_->process().stop();
  auto created = sim_->kubectl({"create", "namespace", "dev11"});
  ASSERT_EQ(created.exit_code, 0) << "failurePolicy Ignore: a down scaler must not block namespaces\n"
                                  << created.err;
  EXPECT_FALSE(get_json({"get", "namespace", "dev11"})["metadata"]
                   .value("labels", json::object())
                   .contains("scheduler"));
  start_scaler("127.0.0.1:" + std::to_string(port));  // same address: the webhook configuration is unchanged
  wait_for_cronjob("dev11", is_active);
}

TEST_F(SchedulesTest, TheCronJobsCommandStopsItsOwnNamespaceOnly) {
  for (const char* ns : {"team1", "team2"}) {
    const auto file = dir_.write(
        std::string(ns) + ".yaml",
        std::string("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ") + ns +
            "\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: " + ns +
            "\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n  "
            "    labels: {app: web}\n    spec:\n      containers: [{name: web, image: nginx}]\n");
    ASSERT_EQ(sim_->kubectl({"apply", "-f", file.string()}).exit_code, 0);
  }
  const auto cj = wait_for_cronjob("team1", is_active);
  // Run the Job's container the way Kubernetes would: its args and env, with the projected token and the CA
  // as local files, and our build of the image's binary.
  const auto& pod = cj["spec"]["jobTemplate"]["spec"]["template"]["spec"];
  const auto& container = pod["containers"][0];
  EXPECT_EQ(pod.value("serviceAccountName", ""), "devenv-shutdown");
  std::vector<std::string> args = {binary_path("src/app/devenv-scaler").string()};
  for (const auto& a : container["args"]) args.push_back(a.get<std::string>());
  ASSERT_EQ(args, (std::vector<std::string>{args[0], "stop", "team1"}));

  // A token like the projected one: issued by kube-sim for team1's devenv-shutdown, audience devenv-scaler.
  const auto minted = run_command(
      {"curl", "-s", "--cacert", (dir_.path() / "kube-sim/ca.crt").string(), "-H",
       "Authorization: Bearer " + sim_->admin_token(), "-X", "POST", "--data",
       R"({"namespace":"team1","serviceAccount":"devenv-shutdown","audiences":["devenv-scaler"]})",
       sim_->url() + "/_sim/tokens"});
  const auto token = json::parse(minted.out).value("token", "");
  ASSERT_FALSE(token.empty()) << minted.out;
  const auto token_file = dir_.write("token", token);
  std::map<std::string, std::string> env;
  for (const auto& e : container["env"]) env[e["name"]] = e.value("value", "");
  ASSERT_TRUE(env.count("DEVENV_SERVER") && env.count("DEVENV_TOKEN_FILE"));
  env["DEVENV_SERVER"] = scaler_->url();  // the in-cluster service name, here
  env["DEVENV_TOKEN_FILE"] = token_file.string();
  env["DEVENV_CA_FILE"] = ca_file_.string();

  auto own = run_command(args, env);
  EXPECT_EQ(own.exit_code, 0) << own.out << own.err;
  EXPECT_EQ(get_json({"get", "deployment", "web", "-n", "team1"})["spec"]["replicas"], 0);

  args.back() = "team2";
  auto other = run_command(args, env);
  EXPECT_NE(other.exit_code, 0) << "a Job's token must not stop another namespace";
  EXPECT_NE(other.err.find("forbidden"), std::string::npos) << other.err;
  EXPECT_EQ(get_json({"get", "deployment", "web", "-n", "team2"})["spec"]["replicas"], 2);
}

TEST_F(SchedulesTest, SlackProlongateMovesTonightsShutdownAndRecordsWho) {
  ASSERT_EQ(sim_->kubectl({"create", "namespace", "dev12"}).exit_code, 0);
  wait_for_cronjob("dev12", is_active);
  const auto answer = slack_command(*scaler_, ca_file_, "prolongate dev12 for 1h");
  ASSERT_FALSE(answer.is_discarded());
  EXPECT_EQ(answer.value("response_type", ""), "in_channel") << answer.dump();
  EXPECT_NE(answer.value("text", "").find("extended"), std::string::npos) << answer.dump();
  const auto cj = wait_for_cronjob("dev12", [](const json& c) {
    return c["metadata"].value("annotations", json::object()).contains("devenv-scaler/prolonged-until");
  });
  EXPECT_EQ(cj["metadata"]["annotations"].value("devenv-scaler/prolonged-by", ""), "@alice via Slack");
  EXPECT_NE(cj["spec"]["schedule"], "0 19 * * 1-5") << "a date-exact one-shot replaces tonight's shutdown";

  const auto refused = slack_command(*scaler_, ca_file_, "prolongate dev12 for 0m");
  EXPECT_EQ(refused.value("response_type", ""), "ephemeral") << refused.dump();
}

// The `ca.crt` of a namespace's CA ConfigMap, polled until it differs from `not_this` or the deadline passes.
std::string wait_for_ca_configmap(const kube_sim_process& sim, const std::string& ns,
                                  const std::string& not_this = {}) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  std::string last;
  while (std::chrono::steady_clock::now() < until) {
    auto r = sim.kubectl({"get", "configmap", "devenv-scaler-ca", "-n", ns, "-o", "json"});
    if (r.exit_code == 0) {
      last = json::parse(r.out)["data"].value("ca.crt", "");
      if (!last.empty() && last != not_this) return last;
    }
    std::this_thread::sleep_for(100ms);
  }
  return last;
}

TEST(SelfSignedWebhook, GeneratesItsCertificateAndPatchesTheCaBundle) {
  temp_dir dir("devenv-selfsigned");
  kube_sim_process sim(dir.path(), {"--ready-delay", "0ms"});
  ASSERT_TRUE(sim.ready()) << sim.process().log();
  // The configuration as a Helm chart would install it: no caBundle yet, the URL fixed once we know the port.
  const json config = namespace_webhook_configuration("https://127.0.0.1:9/admission/namespaces", "");
  ASSERT_EQ(sim.kubectl({"apply", "-f", dir.write("webhook.json", config.dump()).string()}).exit_code, 0);

  std::optional<scaler_process> scaler;
  scaler.emplace(dir.path() / "scaler", sim.kubeconfig(), "admin:admin-token-0123456789",
                 std::map<std::string, std::string>{{"DEVENV_TLS_SELF_SIGNED", "true"},
                                                    {"DEVENV_RECONCILE", "false"},
                                                    {"DEVENV_CRONJOB_CA_CONFIGMAP", "devenv-scaler-ca"}});
  ASSERT_TRUE(scaler->ready()) << scaler->process().log();
  auto read = sim.kubectl({"get", "mutatingwebhookconfiguration", "devenv-scaler", "-o", "json"});
  const auto patched = json::parse(read.out);
  const std::string bundle = patched["webhooks"][0]["clientConfig"].value("caBundle", "");
  EXPECT_FALSE(bundle.empty()) << "the caBundle was not patched\n" << scaler->process().log();

  const std::string url_patch = R"([{"op":"replace","path":"/webhooks/0/clientConfig/url","value":")" +
                                scaler->url() + R"(/admission/namespaces"}])";
  ASSERT_EQ(sim.kubectl({"patch", "mutatingwebhookconfiguration", "devenv-scaler", "--type", "json", "-p",
                         url_patch})
                .exit_code,
            0);
  // kube-sim verifies the scaler's certificate against the patched caBundle; with failurePolicy Ignore an
  // untrusted webhook would be skipped silently, so the label proves the TLS chain works.
  ASSERT_EQ(sim.kubectl({"create", "namespace", "selfsigned1"}).exit_code, 0);
  auto ns = json::parse(sim.kubectl({"get", "namespace", "selfsigned1", "-o", "json"}).out);
  EXPECT_EQ(ns["metadata"].value("labels", json::object()).value("scheduler", ""), "enabled")
      << sim.kubectl({"get", "--raw", "/_sim/webhooks"}).out.substr(0, 1500);

  // The shutdown Job trusts the same CA: devenv-scaler copied it into the namespace's CA ConfigMap, which
  // the CronJob mounts (Kubernetes mounts ConfigMaps from the pod's own namespace only).
  const std::string first_ca = wait_for_ca_configmap(sim, "selfsigned1");
  EXPECT_EQ(admission::base64_encode(first_ca), bundle) << scaler->process().log().substr(0, 3000);
  auto cj =
      json::parse(sim.kubectl({"get", "cronjob", "devenv-shutdown", "-n", "selfsigned1", "-o", "json"}).out);
  EXPECT_EQ(
      cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["volumes"][1]["configMap"].value("name", ""),
      "devenv-scaler-ca");

  // A restart generates a new CA; the reconciler spreads it to the namespace that already has a copy.
  scaler.reset();
  scaler.emplace(dir.path() / "scaler2", sim.kubeconfig(), "admin:admin-token-0123456789",
                 std::map<std::string, std::string>{{"DEVENV_TLS_SELF_SIGNED", "true"},
                                                    {"DEVENV_CRONJOB_CA_CONFIGMAP", "devenv-scaler-ca"}});
  ASSERT_TRUE(scaler->ready()) << scaler->process().log();
  const std::string second_ca = wait_for_ca_configmap(sim, "selfsigned1", first_ca);
  EXPECT_NE(second_ca, first_ca) << scaler->process().log().substr(0, 3000);
  const std::string second_bundle =
      json::parse(sim.kubectl({"get", "mutatingwebhookconfiguration", "devenv-scaler", "-o", "json"})
                      .out)["webhooks"][0]["clientConfig"]
          .value("caBundle", "");
  EXPECT_EQ(admission::base64_encode(second_ca), second_bundle);
}

}  // namespace
}  // namespace devenv::testing
