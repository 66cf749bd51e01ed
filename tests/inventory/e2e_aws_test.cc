// End to end: kube-sim, tests/aws/fake_aws.py (botocore-checked EC2/RDS) and the real devenv-scaler with
// aws.enabled. A stop through the REST API scales dev1's workloads to 0, then stops its EC2 instance, then
// its RDS database; a start brings the database, then the instance, then the workloads back. The order across
// the two peers is observed by holding one AWS call (an injected delay) and looking at the other peer
// meanwhile.
#include <future>
#include <set>

#include "inventory/aws_e2e_fixture.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class aws_e2e_test : public aws_e2e_fixture {
 protected:
  void SetUp() override {
    aws_e2e_fixture::SetUp();
    if (HasFatalFailure()) return;
    start_scaler();
  }
};

TEST_F(aws_e2e_test, stop_goes_workloads_ec2_rds_and_start_comes_back_in_reverse) {
  // Wait for the leader's first inventory round; afterwards the guard sleeps for guard_period (10 min), so
  // only the stop acts below.
  wait_for_first_inventory_round();
  if (HasFatalFailure()) return;
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
