// End to end: kube-sim, tests/aws/fake_aws.py (botocore-checked EC2/RDS) and the real devenv-scaler with
// aws.enabled. A stop through the REST API scales dev1's workloads to 0, then stops its EC2 instance, then
// its RDS database; a start brings the database, then the instance, then the workloads back. The order across
// the two peers is observed by holding one AWS call (an injected delay) and looking at the other peer
// meanwhile.
#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "aws/fake_aws.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kToken = "admin-token-0123456789";

json tags(const std::string& ns) {
  return {{"namespace", ns}, {"scheduler", "enabled"}};
}

class aws_e2e_test : public ::testing::Test {
 protected:
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

    auto env = aws_->environment();
    env["DEVENV_AWS_ENABLED"] = "true";
    env["DEVENV_AWS_SQLITE_PATH"] = (dir_.path() / "inventory.db").string();
    env["AWS_EC2_METADATA_DISABLED"] = "true";
    env["AWS_CONFIG_FILE"] = (dir_.path() / "no-aws-config").string();
    env["AWS_SHARED_CREDENTIALS_FILE"] = (dir_.path() / "no-aws-credentials").string();
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
  bool eventually(F condition, std::chrono::seconds deadline = 60s) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      if (condition()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
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

TEST_F(aws_e2e_test, stop_goes_workloads_ec2_rds_and_start_comes_back_in_reverse) {
  // Wait for the leader's first inventory round (refresh, then the RDS guard, which finds dev1 running and
  // leaves its database alone); afterwards the guard sleeps for guard_period, so only the stop acts below.
  ASSERT_TRUE(eventually([&] {
    const json status = call("GET", "/api/v1/environments/dev1");
    return status.contains("aws") && status["aws"]["resources"].size() == 3;
  })) << scaler_->process().log();
  // The status fills in after the refresh, before the guard's round: wait for the round itself, or it could
  // see dev1 half-stopped below and stop the database first.
  ASSERT_TRUE(eventually([&] { return scaler_->process().log().find("rds guard: round done") != std::string::npos; }))
      << scaler_->process().log();
  // Stop, with StopInstances held for 5 s: the workloads must be at 0 while EC2 has not answered yet.
  aws_->add_fault({{"action", "StopInstances"}, {"status", 0}, {"delay_seconds", 5}, {"times", 1}});
  auto stopping =
      std::async(std::launch::async, [&] { return call("POST", "/api/v1/environments/dev1/stop"); });
  ASSERT_TRUE(eventually([&] { return web_replicas() == 0; })) << scaler_->process().log();
  EXPECT_TRUE(actions().empty()) << "an AWS action completed before the workloads were stopped";
  const json stopped = stopping.get();
  EXPECT_EQ(actions(), (std::vector<std::string>{"StopInstances", "StopDBInstance"}))
      << aws_->requests().dump();
  EXPECT_EQ(ec2_state("i-0dev1a"), "stopped");
  EXPECT_EQ(ec2_state("i-0dev2a"), "running");  // another environment's instance
  EXPECT_EQ(rds_state("db-dev1"), "stopped");
  // The report lists each resource; the terminated instance is the one failure, the rest proceeded.
  ASSERT_TRUE(stopped.contains("resources")) << stopped.dump();
  std::map<std::string, std::string> outcome;
  for (const auto& r : stopped["resources"]) outcome[r.at("id")] = r.at("outcome");
  EXPECT_EQ(outcome, (std::map<std::string, std::string>{
                         {"i-0dev1a", "changed"}, {"i-0dev1dead", "failed"}, {"db-dev1", "changed"}}));
  EXPECT_FALSE(stopped.at("ok").get<bool>());

  // A second stop is idempotent: nothing more is asked of AWS.
  const json again = call("POST", "/api/v1/environments/dev1/stop");
  EXPECT_EQ(actions().size(), 2u);
  for (const auto& r : again["resources"]) {
    if (r.at("id") != "i-0dev1dead") {
      EXPECT_EQ(r.at("outcome"), "skipped") << r.dump();
    }
  }

  // Start, with StartInstances held: the database is started first, and the workloads stay at 0 until EC2
  // has answered.
  aws_->add_fault({{"action", "StartInstances"}, {"status", 0}, {"delay_seconds", 5}, {"times", 1}});
  auto starting =
      std::async(std::launch::async, [&] { return call("POST", "/api/v1/environments/dev1/start"); });
  ASSERT_TRUE(eventually([&] { return actions().size() == 3; }));
  EXPECT_EQ(actions().back(), "StartDBInstance");
  EXPECT_EQ(web_replicas(), 0) << "workloads started before EC2";
  const json started = starting.get();
  EXPECT_EQ(actions(), (std::vector<std::string>{"StopInstances", "StopDBInstance", "StartDBInstance",
                                                 "StartInstances"}));
  EXPECT_EQ(web_replicas(), 2);
  EXPECT_EQ(ec2_state("i-0dev1a"), "running");
  EXPECT_EQ(rds_state("db-dev1"), "available");
  EXPECT_TRUE(started.contains("resources")) << started.dump();
}

TEST_F(aws_e2e_test, status_shows_the_inventory_with_its_age_and_metrics_its_staleness) {
  // The leader refreshes at start; status then lists dev1's resources (the terminated one too: it is tagged).
  json status;
  ASSERT_TRUE(eventually([&] {
    status = call("GET", "/api/v1/environments/dev1");
    return status.contains("aws") && status["aws"]["resources"].size() == 3;
  })) << status.dump();
  EXPECT_FALSE(status["aws"]["stale"].get<bool>());
  EXPECT_TRUE(status["aws"]["ageSeconds"].is_number());
  std::set<std::string> ids;
  for (const auto& r : status["aws"]["resources"]) ids.insert(r.at("id"));
  EXPECT_EQ(ids, (std::set<std::string>{"i-0dev1a", "i-0dev1dead", "db-dev1"}));
  auto metrics = run_command({"curl", "-s", "-m", "10", scaler_->url() + "/metrics"});
  EXPECT_NE(metrics.out.find("devenv_inventory_age_seconds"), std::string::npos);
}

}  // namespace
}  // namespace devenv::testing
