// The Kubernetes API unreachable for a while (every connection to it cut, as when the API server is down):
// API requests answer 503 with a message that says so, /readyz reports it, /healthz does not, and once the
// API server is back everything works again without a restart. The suite uses a 5-second outage (the
// behaviour does not depend on its length: nothing is cached or given up on); DEVENV_OUTAGE_SECONDS=60 for
// the full minute.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "faults/fault_cluster.h"
#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;

TEST(KubeOutage, AnswersUnavailableDuringAndRecoversByItself) {
  std::mt19937_64 random(42);
  const auto environments = random_environments(random, 3, "o");
  temp_dir dir("devenv-outage");
  fault_cluster cluster(dir.path(), environments, 42);
  ASSERT_TRUE(cluster.ready()) << cluster.failure_log();
  ASSERT_EQ(cluster.call("GET", "/readyz").first, 200);
  ASSERT_EQ(cluster.call("GET", "/api/v1/environments/o1").first, 200);

  cluster.proxy().set_down(true);
  const auto outage = std::chrono::seconds(seed_count("DEVENV_OUTAGE_SECONDS", 5));
  const auto back_at = steady::now() + outage;
  int probes = 0;
  // Keep asking during the whole outage: every answer must be a prompt, explicit 503, never a hang or a 500.
  do {
    ++probes;
    const auto asked = steady::now();
    const auto [ready, ready_body] = cluster.call("GET", "/readyz");
    EXPECT_EQ(ready, 503) << ready_body;
    EXPECT_NE(ready_body.find("Kubernetes API"), std::string::npos) << ready_body;
    EXPECT_EQ(cluster.call("GET", "/healthz").first, 200) << "liveness must not depend on Kubernetes";

    const auto [stop, stop_body] = cluster.call("POST", "/api/v1/environments/o1/stop");
    EXPECT_EQ(stop, 503) << stop_body;
    const auto error = json::parse(stop_body, nullptr, false);
    ASSERT_TRUE(error.is_object()) << stop_body;
    EXPECT_EQ(error.value("code", ""), "unavailable") << stop_body;
    EXPECT_NE(error.value("message", "").find("Kubernetes API"), std::string::npos) << stop_body;

    const auto [status, status_body] = cluster.call("GET", "/api/v1/environments/o1");
    EXPECT_EQ(status, 503) << status_body;
    // Each request answers well within a client's patience (the retries are bounded).
    EXPECT_LT(steady::now() - asked, std::chrono::seconds(30));
  } while (steady::now() < back_at && !::testing::Test::HasFailure());
  EXPECT_GT(cluster.proxy().dropped(), 0u);
  // Nothing was changed by the refused stops.
  cluster.proxy().set_down(false);

  // Recovery by itself: /readyz turns 200 again (polled with a deadline), then the API works.
  const auto deadline = steady::now() + std::chrono::seconds(60);
  long ready = 0;
  while (steady::now() < deadline && (ready = cluster.call("GET", "/readyz").first) != 200)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(ready, 200) << cluster.failure_log();
  EXPECT_TRUE(differences_when_running(environments, cluster.observe()).empty());
  std::vector<std::string> all;
  for (const auto& [ns, workloads] : environments) all.push_back(ns);
  const auto stopped = cluster.converge("stop", all, 1);
  EXPECT_TRUE(stopped.failed.empty()) << stopped.failed.begin()->second;
  EXPECT_TRUE(differences_when_stopped(environments, cluster.observe()).empty());
  const auto started = cluster.converge("start", all, 1);
  EXPECT_TRUE(started.failed.empty()) << started.failed.begin()->second;
  EXPECT_TRUE(differences_when_running(environments, cluster.observe()).empty());
  std::printf("outage %llds, %d rounds of probes answered 503\n", static_cast<long long>(outage.count()),
              probes);
}

}  // namespace
}  // namespace devenv::testing
