// The end-to-end fixture of the AWS integration: kube-sim holding dev1 (Deployment web, 2 replicas),
// tests/aws/fake_aws.py (botocore-checked EC2/RDS) holding dev1's instance, a terminated instance of dev1,
// another environment's instance and dev1's database, and the real devenv-scaler with aws.enabled (plus what
// a test adds to its environment). Helpers read both peers: the workloads' replicas, the AWS actions in the
// order the fake saw them, each resource's state. Not thread-safe (one test at a time).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "aws/fake_aws.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::testing {

class aws_e2e_fixture : public ::testing::Test {
 protected:
  using json = nlohmann::json;
  static constexpr const char* kToken = "admin-token-0123456789";

  static json tags(const std::string& ns) { return {{"namespace", ns}, {"scheduler", "enabled"}}; }

  void SetUp() override {
    sim_ = std::make_unique<kube_sim_process>(dir_.path() / "sim",
                                              std::vector<std::string>{"--ready-delay", "0ms"});
    ASSERT_TRUE(sim_->ready()) << sim_->process().log();
    const auto manifest = dir_.write("dev1.yaml",
                                     "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "
                                     "dev1\n---\napiVersion: apps/v1\nkind: Deployment\n"
                                     "metadata:\n  name: web\n  namespace: dev1\nspec:\n  replicas: 2\n  "
                                     "selector:\n    matchLabels: {app: web}\n"
                                     "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      "
                                     "containers: [{name: main, image: "
                                     "nginx}]\n");
    auto applied = sim_->kubectl({"apply", "-f", manifest.string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.err;

    const json ec2 = json::array({
        {{"id", "i-0dev1a"},
         {"type", "t3.micro"},
         {"state", "running"},
         {"launch_time", "2026-01-01T00:00:00Z"},
         {"tags", tags("dev1")}},
        {{"id", "i-0dev1dead"},
         {"type", "t3.small"},
         {"state", "terminated"},
         {"launch_time", "2026-01-01T00:00:00Z"},
         {"tags", tags("dev1")}},
        {{"id", "i-0dev2a"},
         {"type", "t3.micro"},
         {"state", "running"},
         {"launch_time", "2026-01-01T00:00:00Z"},
         {"tags", tags("dev2")}},
    });
    const json rds = json::array({
        {{"id", "db-dev1"},
         {"class", "db.t3.micro"},
         {"engine", "postgres"},
         {"status", "available"},
         {"cluster", ""},
         {"tags", tags("dev1")}},
    });
    aws_ = std::make_unique<fake_aws>(dir_.path() / "aws", fake_aws_fixture(ec2, rds));
    ASSERT_TRUE(aws_->ready()) << aws_->log();
  }

  // Starts devenv-scaler against both peers; `extra` adds to (or overrides) its environment.
  void start_scaler(const std::map<std::string, std::string>& extra = {}) {
    auto env = aws_->environment();
    env["DEVENV_AWS_ENABLED"] = "true";
    env["DEVENV_AWS_SQLITE_PATH"] = (dir_.path() / "inventory.db").string();
    env["AWS_EC2_METADATA_DISABLED"] = "true";
    env["AWS_CONFIG_FILE"] = (dir_.path() / "no-aws-config").string();
    env["AWS_SHARED_CREDENTIALS_FILE"] = (dir_.path() / "no-aws-credentials").string();
    for (const auto& [k, v] : extra) env[k] = v;
    scaler_ = std::make_unique<scaler_process>(dir_.path() / "scaler", sim_->kubeconfig(),
                                               std::string("admin:") + kToken, env);
    ASSERT_TRUE(scaler_->ready()) << scaler_->process().log();
  }

  // The REST call, answered with its JSON body.
  json call(const std::string& method, const std::string& path) {
    auto r = run_command({"curl", "-s", "-m", "120", "-X", method, "-H",
                          std::string("Authorization: Bearer ") + kToken, scaler_->url() + path});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    try {
      return json::parse(r.out);
    } catch (const std::exception&) {
      ADD_FAILURE() << "not JSON: " << r.out;
      return json();
    }
  }

  int web_replicas() {
    auto r =
        run_command({"curl", "-s", "-k", "-m", "10", "-H", "Authorization: Bearer " + sim_->admin_token(),
                     sim_->url() + "/apis/apps/v1/namespaces/dev1/deployments/web"});
    return json::parse(r.out).at("spec").at("replicas").get<int>();
  }

  // The AWS actions the fake saw, in order (describes left out).
  std::vector<std::string> actions() {
    std::vector<std::string> out;
    const json requests = aws_->requests();
    for (const auto& r : requests) {
      const std::string action = r.at("action");
      if (action.rfind("Describe", 0) != 0) out.push_back(action);
    }
    return out;
  }

  // Polls `condition` until true or the deadline passes.
  template <class F>
  bool eventually(F condition, std::chrono::seconds deadline = std::chrono::seconds(60)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // How many times the scaler logged `text` so far.
  std::size_t logged(const std::string& text) {
    const std::string log = scaler_->process().log();
    std::size_t count = 0;
    for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + text.size())) ++count;
    return count;
  }

  // Waits for the leader's first inventory round: the refresh (status lists dev1's three resources), then
  // the RDS guard's round, which finds dev1 running and leaves its database alone. Waiting for the round
  // itself matters: status fills in after the refresh, before the guard has looked.
  void wait_for_first_inventory_round() {
    ASSERT_TRUE(eventually([&] {
      const json status = call("GET", "/api/v1/environments/dev1");
      return status.contains("aws") && status["aws"]["resources"].size() == 3;
    })) << scaler_->process().log();
    ASSERT_TRUE(eventually([&] { return logged("rds guard: round done") > 0; })) << scaler_->process().log();
  }

  std::string ec2_state(const std::string& id) {
    const json state = aws_->state();  // kept alive: a range-for over a temporary's member dangles
    for (const auto& i : state.at("ec2").at("instances")) {
      if (i.at("id") == id) return i.at("state");
    }
    return "";
  }
  std::string rds_state(const std::string& id) {
    const json state = aws_->state();
    for (const auto& i : state.at("rds").at("instances")) {
      if (i.at("id") == id) return i.at("status");
    }
    return "";
  }

  temp_dir dir_{"devenv-aws-e2e"};
  std::unique_ptr<kube_sim_process> sim_;
  std::unique_ptr<fake_aws> aws_;
  std::unique_ptr<scaler_process> scaler_;
};

}  // namespace devenv::testing
