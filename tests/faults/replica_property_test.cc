// Property: whatever the API server and the network do (latency, 409s, 429s, 5xx, dropped connections),
// stopping and then starting environments through devenv-scaler — repeated per the retry rule in
// fault_cluster.h — ends with every workload at exactly its original count and no original-replicas
// annotation left. 20 seeds in the suite; DEVENV_FAULT_SEEDS=N (and DEVENV_FAULT_FIRST_SEED) for more.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "faults/fault_cluster.h"
#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;

constexpr int kEnvironments = 50;
constexpr int kMaxRounds = 10;

// A different mix of faults for each seed, all of them present every time.
json random_faults(std::mt19937_64& random) {
  auto rate = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(random); };
  return {{"latency", {{"fixedMs", 1}, {"jitterMs", std::uniform_int_distribution<int>(2, 10)(random)}}},
          {"errors",
           {{"*", {{"rate", rate(0.02, 0.08)}, {"code", 500}}},
            {"patch", {{"rate", rate(0.05, 0.15)}, {"code", 503}}},
            {"list", {{"rate", rate(0.02, 0.1)}, {"code", 429}, {"retryAfterSeconds", 0}}},
            {"get", {{"rate", rate(0.02, 0.1)}, {"code", 429}, {"retryAfterSeconds", 1}}}}},
          {"conflicts",
           {{{"path", "/apis/apps/v1/namespaces/*/deployments/*"},
             {"count", std::uniform_int_distribution<int>(5, 40)(random)}},
            {{"path", "/apis/apps/v1/namespaces/*/statefulsets/*"},
             {"count", std::uniform_int_distribution<int>(5, 40)(random)}}}}};
}

std::vector<std::string> names(const environment_set& environments) {
  std::vector<std::string> out;
  for (const auto& [ns, workloads] : environments) out.push_back(ns);
  return out;
}

std::string first(const std::vector<std::string>& lines, std::size_t n = 10) {
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < n; ++i) out += lines[i] + "\n";
  return out;
}

TEST(ReplicaProperty, StopThenStartRestoresEveryCountUnderFaults) {
  const int seeds = seed_count("DEVENV_FAULT_SEEDS", 20);
  const int first_seed = seed_count("DEVENV_FAULT_FIRST_SEED", 1);
  std::uint64_t dropped = 0;
  int partial = 0;
  for (int seed = first_seed; seed < first_seed + seeds; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed) +
                 " (rerun with DEVENV_FAULT_FIRST_SEED=" + std::to_string(seed) + " DEVENV_FAULT_SEEDS=1)");
    std::mt19937_64 random(static_cast<std::uint64_t>(seed));
    const auto environments = random_environments(random, kEnvironments, "p");
    temp_dir dir("devenv-faults");
    fault_cluster cluster(dir.path(), environments, static_cast<std::uint64_t>(seed));
    ASSERT_TRUE(cluster.ready()) << cluster.failure_log();
    const auto start_state = cluster.observe();
    ASSERT_TRUE(differences_when_running(environments, start_state).empty());

    ASSERT_TRUE(cluster.set_sim_faults(random_faults(random).dump()));
    cluster.proxy().set_drop_rate(std::uniform_real_distribution<double>(0.005, 0.03)(random));

    const auto stopped = cluster.converge("stop", names(environments), kMaxRounds);
    ASSERT_TRUE(stopped.failed.empty())
        << "stop did not converge in " << stopped.rounds << " rounds; e.g. " << stopped.failed.begin()->first
        << ": " << stopped.failed.begin()->second << "\n"
        << cluster.failure_log();
    // Faults off while the test itself reads the result (kube-sim's faults would hit its reads too).
    ASSERT_TRUE(cluster.clear_sim_faults());
    const auto after_stop = differences_when_stopped(environments, cluster.observe());
    ASSERT_TRUE(after_stop.empty()) << first(after_stop);

    ASSERT_TRUE(cluster.set_sim_faults(random_faults(random).dump()));
    const auto started = cluster.converge("start", names(environments), kMaxRounds);
    ASSERT_TRUE(cluster.clear_sim_faults());
    ASSERT_TRUE(started.failed.empty())
        << "start did not converge in " << started.rounds << " rounds; e.g. " << started.failed.begin()->first
        << ": " << started.failed.begin()->second << "\n"
        << cluster.failure_log();
    const auto after_start = differences_when_running(environments, cluster.observe());
    ASSERT_TRUE(after_start.empty()) << first(after_start);

    dropped += cluster.proxy().dropped();
    partial += stopped.partial_answers + started.partial_answers;
  }
  // The faults must really have reached devenv-scaler, or the property proves nothing.
  EXPECT_GT(dropped, 0u) << "no connection was dropped";
  std::printf("seeds %d, connections dropped %llu, non-200 answers repeated %d\n", seeds,
              static_cast<unsigned long long>(dropped), partial);
}

}  // namespace
}  // namespace devenv::testing
