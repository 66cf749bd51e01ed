// Stop, start and status of environments end to end: kube-sim and devenv-scaler run as processes on port 0;
// the CLI and curl drive the REST API; kubectl reads back what happened.
#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;

constexpr const char* kAdminToken = "admin-token-0123456789";
constexpr const char* kLimitedToken = "limited-token-0123456789";

// Replica counts chosen to catch the original's defect (everything restarted at 1): 3, 1, 0, an excluded
// workload, and StatefulSets.
std::string environment_manifest(const std::string& ns) {
  auto deployment = [&](const std::string& name, int replicas, const std::string& annotations = "") {
    return "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
           "\n" + annotations + "spec:\n  replicas: " + std::to_string(replicas) +
           "\n  selector:\n    matchLabels: {app: " + name +
           "}\n  template:\n    metadata:\n      labels: {app: " + name +
           "}\n    spec:\n      containers: [{name: main, image: nginx}]\n";
  };
  auto statefulset = [&](const std::string& name, int replicas) {
    return "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: " + name +
           "\n  namespace: " + ns + "\nspec:\n  replicas: " + std::to_string(replicas) +
           "\n  serviceName: " + name + "\n  selector:\n    matchLabels: {app: " + name +
           "}\n  template:\n    metadata:\n      labels: {app: " + name +
           "}\n    spec:\n      containers: [{name: main, image: postgres}]\n";
  };
  return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n" + deployment("web", 3) +
         deployment("api", 1) + deployment("idle", 0) +
         deployment("pinned", 2, "  annotations:\n    devenv-scaler/exclude: \"true\"\n") +
         statefulset("db", 1) + statefulset("cache", 2);
}

const std::map<std::string, int> kOriginal = {{"deployment/web", 3},  {"deployment/api", 1},
                                              {"deployment/idle", 0}, {"deployment/pinned", 2},
                                              {"statefulset/db", 1},  {"statefulset/cache", 2}};

class EnvironmentsTest : public ::testing::Test {
 protected:
  void start(std::vector<std::string> kube_sim_args = {}) {
    kube_sim_args.insert(kube_sim_args.end(), {"--ready-delay", "0ms"});
    sim_ = std::make_unique<kube_sim_process>(dir_.path(), kube_sim_args);
    ASSERT_TRUE(sim_->ready()) << sim_->process().log();
    const auto tokens_file =
        dir_.write("tokens.yaml", std::string("tokens:\n  - name: limited\n    token: ") + kLimitedToken +
                                      "\n    environments: [\"other*\"]\n    actions: [stop]\n");
    scaler_ = std::make_unique<scaler_process>(
        dir_.path() / "scaler", sim_->kubeconfig(), std::string("admin:") + kAdminToken,
        std::map<std::string, std::string>{{"DEVENV_API_TOKENS_FILE", tokens_file.string()},
                                           {"DEVENV_KUBE_QPS", "200"},
                                           {"DEVENV_KUBE_BURST", "200"}});
    ASSERT_TRUE(scaler_->ready()) << scaler_->process().log();
  }

  void create_environment(const std::string& ns) {
    const auto file = dir_.write(ns + ".yaml", environment_manifest(ns));
    auto r = sim_->kubectl({"apply", "-f", file.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // name → {replicas, saved annotation or -1}, read with kubectl.
  std::map<std::string, std::pair<int, int>> read_back(const std::string& ns) {
    auto r = sim_->kubectl({"get", "deployments,statefulsets", "-n", ns, "-o", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, std::pair<int, int>> out;
    const auto list = json::parse(r.out);  // kept alive: a range-for over a temporary's member dangles
    for (const auto& item : list["items"]) {
      std::string kind = item["kind"];
      for (auto& c : kind) c = static_cast<char>(std::tolower(c));
      const auto& annotations = item["metadata"].value("annotations", json::object());
      const int saved = annotations.contains("devenv-scaler/original-replicas")
                            ? std::stoi(annotations["devenv-scaler/original-replicas"].get<std::string>())
                            : -1;
      out[kind + "/" + item["metadata"]["name"].get<std::string>()] = {item["spec"].value("replicas", 1),
                                                                       saved};
    }
    return out;
  }

  void expect_running_as_original(const std::string& ns) {
    const auto now = read_back(ns);
    ASSERT_EQ(now.size(), kOriginal.size()) << sim_->kubectl({"get", "deploy,sts", "-n", ns}).out;
    for (const auto& [name, replicas] : kOriginal) {
      EXPECT_EQ(now.at(name).first, replicas) << name;
      EXPECT_EQ(now.at(name).second, -1) << name << " still carries original-replicas";
    }
  }

  void expect_stopped(const std::string& ns) {
    const auto now = read_back(ns);
    ASSERT_EQ(now.size(), kOriginal.size()) << sim_->kubectl({"get", "deploy,sts", "-n", ns}).out;
    for (const auto& [name, replicas] : kOriginal) {
      if (name == "deployment/pinned") {
        EXPECT_EQ(now.at(name), std::make_pair(2, -1)) << "excluded workload was touched";
      } else if (replicas == 0) {
        EXPECT_EQ(now.at(name), std::make_pair(0, -1)) << name << " was intentionally 0";
      } else {
        EXPECT_EQ(now.at(name), std::make_pair(0, replicas)) << name;
      }
    }
  }

  command_result curl(const std::string& method, const std::string& path, const std::string& token = "",
                      const std::string& body = "") {
    std::vector<std::string> args = {
        "curl", "-s", "-m", "60", "-o", "-", "-w", "\n%{http_code}", "-X", method, scaler_->url() + path};
    if (!token.empty()) args.insert(args.end(), {"-H", "Authorization: Bearer " + token});
    if (!body.empty()) {
      // Through a file: a multi-megabyte body does not fit in an argument list.
      const auto file = dir_.write("body-" + std::to_string(body_files_++), body);
      args.insert(args.end(), {"-H", "Content-Type: application/json", "--data-binary", "@" + file.string()});
    }
    return run_command(args);
  }
  static int status_of(const command_result& r) { return std::stoi(r.out.substr(r.out.rfind('\n') + 1)); }
  static json body_of(const command_result& r) { return json::parse(r.out.substr(0, r.out.rfind('\n'))); }

  temp_dir dir_{"devenv-it"};
  int body_files_ = 0;
  std::unique_ptr<kube_sim_process> sim_;
  std::unique_ptr<scaler_process> scaler_;
};

TEST_F(EnvironmentsTest, StopThenStartRestoresEveryExactCount) {
  start();
  create_environment("it1");

  auto stop = scaler_->cli({"stop", "it1"}, kAdminToken);
  ASSERT_EQ(stop.exit_code, 0) << stop.out << stop.err;
  EXPECT_NE(stop.out.find("stop it1: done"), std::string::npos) << stop.out;
  expect_stopped("it1");

  // A second stop must not overwrite the saved counts with 0.
  ASSERT_EQ(scaler_->cli({"stop", "it1"}, kAdminToken).exit_code, 0);
  expect_stopped("it1");

  auto status = scaler_->cli({"status", "it1", "-o", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const auto s = json::parse(status.out);
  EXPECT_EQ(s["state"], "stopped");
  EXPECT_EQ(s["lastAction"]["action"], "stop");
  EXPECT_EQ(s["lastAction"]["actor"], "api:admin");

  auto start_env = scaler_->cli({"start", "it1"}, kAdminToken);
  ASSERT_EQ(start_env.exit_code, 0) << start_env.out << start_env.err;
  expect_running_as_original("it1");

  // The audit trail: namespace annotations and Events.
  auto ns = json::parse(sim_->kubectl({"get", "namespace", "it1", "-o", "json"}).out);
  EXPECT_EQ(ns["metadata"]["annotations"]["devenv-scaler/state"], "running");
  auto events = sim_->kubectl({"get", "events", "-n", "it1", "-o", "json"});
  EXPECT_NE(events.out.find("DevenvStopped"), std::string::npos);
  EXPECT_NE(events.out.find("DevenvStarted"), std::string::npos);
}

TEST_F(EnvironmentsTest, ConvergesUnderInjectedConflictsAndUnavailability) {
  // The next writes to the namespace's workloads answer 409 and 20 % of patches answer 503: stop and start must
  // still converge (re-read, re-plan, retry), possibly after repeating the command.
  // The StatefulSet pattern comes first so a StatefulSet write always meets a 409 too (the Deployments,
  // patched first, would otherwise use up the shared count).
  start({"--conflict", "/apis/apps/v1/namespaces/it2/statefulsets/*=1", "--conflict",
         "/apis/apps/v1/namespaces/it2/*=3", "--error-rate", "patch=0.2:503", "--fault-seed", "7"});
  create_environment("it2");
  auto stopped = scaler_->cli({"stop", "it2"}, kAdminToken);
  if (stopped.exit_code != 0)
    stopped = scaler_->cli({"stop", "it2"}, kAdminToken);  // a repeat finishes the job
  ASSERT_EQ(stopped.exit_code, 0) << stopped.out << stopped.err;
  expect_stopped("it2");
  auto started = scaler_->cli({"start", "it2"}, kAdminToken);
  if (started.exit_code != 0) started = scaler_->cli({"start", "it2"}, kAdminToken);
  ASSERT_EQ(started.exit_code, 0) << started.out << started.err;
  expect_running_as_original("it2");
}

TEST_F(EnvironmentsTest, RefusesWhatItMustRefuse) {
  start();
  create_environment("it3");
  struct row {
    std::string method, path, token, body;
    int status;
    std::string code;
  };
  const std::string big(2 << 20, 'x');
  const row rows[] = {
      {"POST", "/api/v1/environments/it3/stop", "", "", 401, "unauthorized"},
      {"POST", "/api/v1/environments/it3/stop", "wrong-token-0123456789", "", 401, "unauthorized"},
      {"POST", "/api/v1/environments/it3/stop", kLimitedToken, "", 403, "forbidden"},
      {"POST", "/api/v1/environments/kube-system/stop", kAdminToken, "", 403, "protected_namespace"},
      {"POST", "/api/v1/environments/default/start", kAdminToken, "", 403, "protected_namespace"},
      {"POST", "/api/v1/environments/..%2Fx/stop", kAdminToken, "", 400, "invalid_argument"},
      {"POST", "/api/v1/environments/" + std::string(300, 'a') + "/stop", kAdminToken, "", 400,
       "invalid_argument"},
      {"POST", "/api/v1/environments/nope/stop", kAdminToken, "", 404, "not_found"},
      {"GET", "/api/v1/environments/nope", "", "", 404, "not_found"},
      {"POST", "/api/v1/environments/it3/stop", kAdminToken, "{not json", 400, "invalid_argument"},
      {"POST", "/api/v1/environments/it3/stop", kAdminToken, R"({"replicas": 1})", 400, "invalid_argument"},
      {"POST", "/api/v1/environments/it3/stop", kAdminToken, big, 413, "payload_too_large"},
      {"DELETE", "/api/v1/environments/it3", kAdminToken, "", 405, "method_not_allowed"},
  };
  for (const auto& r : rows) {
    auto res = curl(r.method, r.path, r.token, r.body);
    ASSERT_EQ(res.exit_code, 0) << res.err;
    EXPECT_EQ(status_of(res), r.status) << r.method << " " << r.path.substr(0, 60) << "\n"
                                        << res.out.substr(0, 300);
    EXPECT_EQ(body_of(res).value("code", ""), r.code) << r.path.substr(0, 60);
  }
  // None of the refused requests changed anything.
  expect_running_as_original("it3");
  auto ns = json::parse(sim_->kubectl({"get", "namespace", "it3", "-o", "json"}).out);
  EXPECT_FALSE(ns["metadata"].value("annotations", json::object()).contains("devenv-scaler/last-action"));
}

TEST_F(EnvironmentsTest, ListsEnvironmentsAndServesOperations) {
  start();
  create_environment("it4");
  auto list = curl("GET", "/api/v1/environments");
  ASSERT_EQ(status_of(list), 200);
  bool found = false;
  // Workload readiness is simulated asynchronously: wait (bounded) for it4 to report running.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto status = body_of(curl("GET", "/api/v1/environments/it4"));
    if (status.value("state", "") == "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  list = curl("GET", "/api/v1/environments");
  const auto environments = body_of(list);
  for (const auto& e : environments["environments"]) {
    EXPECT_NE(e["name"], "kube-system") << "protected namespaces are not environments";
    if (e["name"] == "it4") {
      found = true;
      EXPECT_EQ(e["state"], "running");
      EXPECT_EQ(e["workloads"], 6);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(status_of(curl("GET", "/healthz")), 200);
  EXPECT_EQ(status_of(curl("GET", "/readyz")), 200);
  auto metrics = run_command({"curl", "-s", scaler_->url() + "/metrics"});
  EXPECT_NE(metrics.out.find("devenv_http_requests_total{"), std::string::npos);
  EXPECT_NE(metrics.out.find("devenv_kube_requests_total{"), std::string::npos);
  auto docs = run_command({"curl", "-s", scaler_->url() + "/docs"});
  EXPECT_NE(docs.out.find("swagger-ui-bundle.js"), std::string::npos);
}

TEST_F(EnvironmentsTest, ReadinessFollowsTheKubernetesApi) {
  start();
  EXPECT_EQ(status_of(curl("GET", "/readyz")), 200);
  sim_->process().stop();
  auto r = curl("GET", "/readyz");
  EXPECT_EQ(status_of(r), 503);
  EXPECT_EQ(status_of(curl("GET", "/healthz")), 200) << "liveness must not depend on Kubernetes";
  auto stop = curl("POST", "/api/v1/environments/it5/stop", kAdminToken);
  EXPECT_EQ(status_of(stop), 503) << stop.out;
  EXPECT_EQ(body_of(stop)["code"], "unavailable");
}

}  // namespace
}  // namespace devenv::testing

namespace devenv::testing {
namespace {

TEST_F(EnvironmentsTest, DrainsAndExitsCleanlyOnSigterm) {
  // Every Kubernetes call takes 200 ms, so the stop is still running when SIGTERM arrives.
  start({"--latency", "200ms", "--verbose"});
  create_environment("it6");
  auto in_flight = std::async(std::launch::async, [this] {
    return scaler_->cli({"stop", "it6"}, kAdminToken);
  });
  // Wait (bounded) until kube-sim has seen the first workload PATCH of that stop.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (sim_->process().log().find("PATCH /apis/apps/v1/namespaces/it6/") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_NE(sim_->process().log().find("PATCH /apis/apps/v1/namespaces/it6/"), std::string::npos)
      << sim_->process().log().substr(0, 2000);
  EXPECT_EQ(scaler_->process().stop(SIGTERM, std::chrono::seconds(20)), 0) << scaler_->process().log();
  const auto result = in_flight.get();
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  expect_stopped("it6");
  EXPECT_NE(scaler_->process().log().find("devenv-scaler stopped"), std::string::npos);
}

}  // namespace
}  // namespace devenv::testing
