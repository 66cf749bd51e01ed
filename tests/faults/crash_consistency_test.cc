// Crash consistency: devenv-scaler is SIGKILLed at random points while it stops (and later starts) 100
// environments, restarted, and the operation repeated per the retry rule (fault_cluster.h). The stop must
// end with every saved count equal to the original (a repeat after a crash never saves a 0), and the start
// with every workload back at exactly its original count and no annotation left. 3 seeds in the suite with 3
// kills per phase; DEVENV_CRASH_SEEDS=N for more.
#include <gtest/gtest.h>

#include <cstdio>
#include <future>
#include <thread>

#include "faults/fault_cluster.h"
#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

constexpr int kEnvironments = 100;
constexpr int kKillsPerPhase = 3;

std::vector<std::string> names(const environment_set& environments) {
  std::vector<std::string> out;
  for (const auto& [ns, workloads] : environments) out.push_back(ns);
  return out;
}

// Starts one pass of `action` over every environment, SIGKILLs devenv-scaler once kube-sim has seen `after`
// more requests, restarts it, and returns how many requests had been seen when the kill happened and how
// many environments the interrupted pass left unfinished.
std::pair<std::uint64_t, std::size_t> kill_during(fault_cluster& cluster, const std::string& action,
                                                  const std::vector<std::string>& namespaces,
                                                  std::uint64_t after) {
  const std::uint64_t base = cluster.sim_request_index();
  auto pass = std::async(std::launch::async, [&] { return cluster.converge(action, namespaces, 1); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  std::uint64_t seen = base;
  while (std::chrono::steady_clock::now() < deadline &&
         pass.wait_for(std::chrono::milliseconds(2)) != std::future_status::ready) {
    seen = cluster.sim_request_index();
    if (seen >= base + after) break;
  }
  EXPECT_TRUE(cluster.restart_scaler()) << cluster.failure_log();
  return {seen - base, pass.get().failed.size()};
}

TEST(CrashConsistency, SigkillDuringStopAndStartLosesNoCount) {
  const int seeds = seed_count("DEVENV_CRASH_SEEDS", 3);
  for (int seed = 1; seed <= seeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 random(static_cast<std::uint64_t>(seed) * 7919);
    const auto environments = random_environments(random, kEnvironments, "c");
    temp_dir dir("devenv-crash");
    // A little latency so a pass lasts long enough to be interrupted anywhere in it.
    fault_cluster cluster(dir.path(), environments, static_cast<std::uint64_t>(seed),
                          {"--latency", "2ms", "--latency-jitter", "3ms"});
    ASSERT_TRUE(cluster.ready()) << cluster.failure_log();
    const auto namespaces = names(environments);

    for (const std::string action : {"stop", "start"}) {
      SCOPED_TRACE(action);
      std::string kills;
      std::size_t interrupted = 0;
      for (int k = 0; k < kKillsPerPhase; ++k) {
        // A pass over 100 environments makes several hundred requests; kill somewhere inside it.
        const auto at = std::uniform_int_distribution<std::uint64_t>(5, 400)(random);
        const auto [seen, unfinished] = kill_during(cluster, action, namespaces, at);
        kills += std::to_string(seen) + " ";
        interrupted += unfinished;
      }
      // The kills must really have cut passes short, or this proves nothing.
      EXPECT_GT(interrupted, 0u) << "kills at requests " << kills;
      std::printf("%s: killed after %s requests, %zu environments left unfinished by the kills\n",
                  action.c_str(), kills.c_str(), interrupted);
      const auto done = cluster.converge(action, namespaces, 10);
      ASSERT_TRUE(done.failed.empty())
          << action << " did not converge after kills at requests " << kills << ": "
          << done.failed.begin()->first << " " << done.failed.begin()->second << "\n"
          << cluster.failure_log();
      const auto seen = cluster.observe();
      const auto wrong = action == "stop" ? differences_when_stopped(environments, seen)
                                          : differences_when_running(environments, seen);
      std::string listing;
      for (std::size_t i = 0; i < wrong.size() && i < 10; ++i) listing += wrong[i] + "\n";
      ASSERT_TRUE(wrong.empty()) << "after kills at requests " << kills << ":\n" << listing;
    }
  }
}

}  // namespace
}  // namespace devenv::testing
