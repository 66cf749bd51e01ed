// Leader election end to end: two real devenv-scaler processes against one kube-sim. Exactly one holds the
// Lease (judged with kubectl) and runs the reconciler; SIGTERM makes it stop its work and release the Lease,
// so the other takes over long before the Lease could expire, and its reconciler then creates the CronJob
// of a namespace created after the handover.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

constexpr auto lease_duration = 4s;

class LeaderElectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<kube_sim_process>(dir_.path(), std::vector<std::string>{"--ready-delay", "0ms"});
    ASSERT_TRUE(sim_->ready()) << sim_->process().log();
    config_file_ = dir_.write("config.yaml", R"(schedule:
  timezone: Europe/Berlin
  shutdown: "19:00"
leader_election:
  lease_duration: 4s
  renew_deadline: 2s
  retry_period: 250ms
)");
    for (const std::string name : {"scaler-a", "scaler-b"}) {
      scalers_.push_back(std::make_unique<scaler_process>(
          dir_.path() / name, sim_->kubeconfig(), "admin:admin-token-0123456789",
          std::map<std::string, std::string>{{"DEVENV_CONFIG", config_file_.string()},
                                             {"DEVENV_LEADER_IDENTITY", name}}));
      ASSERT_TRUE(scalers_.back()->ready()) << scalers_.back()->process().log();
    }
  }

  std::string holder() {
    auto r = sim_->kubectl(
        {"get", "lease", "devenv-scaler", "-n", "default", "-o", "jsonpath={.spec.holderIdentity}"});
    return r.exit_code == 0 ? r.out : "";
  }

  // Polls `accept` every 50 ms until it holds or the deadline passes.
  template <class Predicate>
  bool eventually(Predicate accept, std::chrono::milliseconds deadline = 30s) {
    const auto until = steady::now() + deadline;
    while (steady::now() < until) {
      if (accept()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return accept();
  }

  std::string leader_gauge(const scaler_process& s) {
    auto r = run_command({"curl", "-s", s.url() + "/metrics"});
    const auto at = r.out.find("\ndevenv_leader ");
    return at == std::string::npos ? "missing" : r.out.substr(at + 15, 1);
  }

  bool has_cronjob(const std::string& ns) {
    return sim_->kubectl({"get", "cronjob", "devenv-shutdown", "-n", ns}).exit_code == 0;
  }

  temp_dir dir_{"devenv-leader"};
  std::unique_ptr<kube_sim_process> sim_;
  std::filesystem::path config_file_;
  std::vector<std::unique_ptr<scaler_process>> scalers_;
};

TEST_F(LeaderElectionTest, OneLeaderRunsTheReconcilerAndSigtermHandsOverQuickly) {
  std::string first;
  ASSERT_TRUE(eventually([&] { return !(first = holder()).empty(); })) << scalers_[0]->process().log();
  ASSERT_TRUE(first == "scaler-a" || first == "scaler-b") << first;
  auto& leader = *scalers_[first == "scaler-a" ? 0 : 1];
  auto& standby = *scalers_[first == "scaler-a" ? 1 : 0];
  const std::string second = first == "scaler-a" ? "scaler-b" : "scaler-a";
  EXPECT_EQ(leader_gauge(leader), "1");
  EXPECT_EQ(leader_gauge(standby), "0");

  // Only the leader's reconciler acts on a new namespace.
  ASSERT_EQ(sim_->kubectl({"create", "namespace", "team-before"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return has_cronjob("team-before"); })) << leader.process().log();
  EXPECT_NE(leader.process().log().find("CronJob of team-before created"), std::string::npos);
  EXPECT_EQ(standby.process().log().find("CronJob of team-before"), std::string::npos);
  EXPECT_EQ(holder(), first);  // renewals keep it

  // SIGTERM: the leader stops its work, releases the Lease and exits cleanly.
  const auto terminated_at = steady::now();
  EXPECT_EQ(leader.process().stop(), 0) << leader.process().log();
  EXPECT_NE(leader.process().log().find("released the Lease"), std::string::npos) << leader.process().log();
  ASSERT_TRUE(eventually([&] { return holder() == second; }, 20s)) << standby.process().log();
  const auto handover = steady::now() - terminated_at;
  // Without the release the standby would wait a whole lease duration after its last observation.
  std::printf(
      "handover after SIGTERM: %lld ms\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(handover).count()));
  EXPECT_LT(handover, lease_duration)
      << std::chrono::duration_cast<std::chrono::milliseconds>(handover).count() << " ms";
  ASSERT_TRUE(eventually([&] { return leader_gauge(standby) == "1"; }, 10s));

  // The new leader's reconciler converges a namespace created after the handover.
  ASSERT_EQ(sim_->kubectl({"create", "namespace", "team-after"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return has_cronjob("team-after"); })) << standby.process().log();
  EXPECT_NE(standby.process().log().find("CronJob of team-after created"), std::string::npos);
}

}  // namespace
}  // namespace devenv::testing
