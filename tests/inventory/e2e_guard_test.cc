// End to end, the RDS guard on kube-sim and fake_aws.py with the real devenv-scaler (inventory and guard
// rounds every 5 s): while a stop is still stopping EC2 (StopInstances held; dev1's workloads already at 0)
// the guard's rounds leave the database alone; once the stop has completed and RDS starts the database by
// itself, the guard stops it again and records a DatabaseRestopped Event on dev1's namespace.
#include <future>

#include "inventory/aws_e2e_fixture.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class aws_guard_e2e_test : public aws_e2e_fixture {
 protected:
  void SetUp() override {
    aws_e2e_fixture::SetUp();
    if (HasFatalFailure()) return;
    const auto config = dir_.write("config.yaml", "aws:\n  refresh_period: 5s\n  guard_period: 5s\n");
    start_scaler({{"DEVENV_CONFIG", config.string()}});
  }

  int count(const std::string& action) {
    const auto all = actions();
    return static_cast<int>(std::count(all.begin(), all.end(), action));
  }

  // dev1's Events as kubectl lists them: reason -> messages.
  std::multimap<std::string, json> events() {
    auto r = sim_->kubectl({"get", "events", "-n", "dev1", "-o", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::multimap<std::string, json> out;
    const json listed = json::parse(r.out, nullptr, false);
    if (!listed.is_object()) return out;
    for (const auto& e : listed["items"]) out.emplace(e.value("reason", ""), e);
    return out;
  }
};

TEST_F(aws_guard_e2e_test, leaves_a_stop_in_progress_alone_and_restops_an_auto_started_database_after_it) {
  wait_for_first_inventory_round();
  if (HasFatalFailure()) return;

  // A stop whose StopInstances is held for 9 s (under the client's 10 s attempt timeout): the workloads
  // reach 0 at once, the namespace is recorded as stopped only at the end.
  aws_->add_fault({{"action", "StopInstances"}, {"status", 0}, {"delay_seconds", 9}, {"times", 1}});
  auto stopping =
      std::async(std::launch::async, [&] { return call("POST", "/api/v1/environments/dev1/stop"); });
  ASSERT_TRUE(eventually([&] { return web_replicas() == 0; })) << scaler_->process().log();
  const auto rounds = logged("rds guard: round done");
  // A guard round while the stop is held, after a fresh inventory that shows db-dev1 available. The fake
  // records StopInstances only once it answers, so no action yet means the round fell inside the hold.
  ASSERT_TRUE(eventually([&] { return logged("rds guard: round done") > rounds; }, 8s))
      << scaler_->process().log();
  EXPECT_TRUE(actions().empty()) << "the guard acted while the stop was running: " << aws_->requests().dump();
  const json stopped = stopping.get();
  EXPECT_TRUE(stopped.contains("resources")) << stopped.dump();
  EXPECT_EQ(actions(), (std::vector<std::string>{"StopInstances", "StopDBInstance"}))
      << aws_->requests().dump();
  EXPECT_EQ(events().count("DatabaseRestopped"), 0u);

  // Day 7: RDS starts the database by itself. The stop has completed, so the next guard round stops it.
  json state = aws_->state();
  for (auto& db : state["rds"]["instances"]) {
    if (db.at("id") == "db-dev1") db["status"] = "available";
  }
  aws_->set_state({{"rds", state["rds"]}});
  ASSERT_EQ(rds_state("db-dev1"), "available");
  ASSERT_TRUE(eventually([&] { return count("StopDBInstance") == 2; }, 30s)) << scaler_->process().log();
  EXPECT_EQ(rds_state("db-dev1"), "stopped");
  EXPECT_EQ(count("StopInstances"), 1) << "the guard touches databases only";

  // kubectl is the judge of the audit trail: one Normal DatabaseRestopped Event naming the database.
  std::multimap<std::string, json> listed;
  ASSERT_TRUE(eventually(
      [&] {
        listed = events();
        return listed.count("DatabaseRestopped") > 0;
      },
      15s));
  const auto restopped = listed.equal_range("DatabaseRestopped");
  ASSERT_EQ(std::distance(restopped.first, restopped.second), 1);
  const json& event = restopped.first->second;
  EXPECT_EQ(event.value("type", ""), "Normal") << event.dump();
  EXPECT_TRUE(event.value("message", "").find("db-dev1") != std::string::npos) << event.dump();
  EXPECT_EQ(event["involvedObject"].value("kind", ""), "Namespace") << event.dump();
  EXPECT_EQ(event["involvedObject"].value("name", ""), "dev1") << event.dump();
  EXPECT_EQ(listed.count("DevenvStopped") + listed.count("DevenvPartialFailure"), 1u);  // the stop's own
}

}  // namespace
}  // namespace devenv::testing
