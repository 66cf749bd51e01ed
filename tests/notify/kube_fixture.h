// The shared setup of the notify integration tests: kube-sim (port 0, temp dir) seeded with environments
// dev1..dev4 (dev1, dev2 in channel C1; dev3 in C2 with an owner; dev4 scheduler=disabled), a protected
// kube-system and the scaler's own namespace devenv-scaler; their shutdown CronJobs converged (Europe/Berlin,
// 19:00, Mon-Fri); the fake Slack; and a fake clock that only moves when a test or an injected sleeper moves
// it. Not thread-safe except now().
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "env/environment_service.h"
#include "env/kube_workload_store.h"
#include "kube/client.h"
#include "notify/warning_runner.h"
#include "schedule/cronjob_manager.h"
#include "schedule/kube_cronjob_store.h"
#include "slack/bot/web_api_client.h"
#include "support/fake_slack.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::notify::testing {

using json = nlohmann::json;

// Friday 27 November 2026, 19:00 Europe/Berlin (CET): the default shutdown.
time_point friday_shutdown();

class notify_kube : public ::testing::Test {
 protected:
  void SetUp() override;

  time_point now() const { return now_.load(); }
  void set_now(time_point t) { now_.store(t); }

  // A runner over this cluster and Slack; the sleeper moves the fake clock to the instant asked for.
  std::unique_ptr<warning_runner> make_runner(std::function<bool()> is_leader = {});

  json get(const std::string& path);
  std::string notified(const std::string& ns);
  std::string cronjob_schedule(const std::string& ns);
  int replicas(const std::string& ns, const std::string& deployment);
  // The scheduled stop as its Job runs it: by the namespace's shutdown service account, through the API.
  void scheduled_stop(const std::string& ns);
  // chat.postMessage requests the fake Slack received, with their JSON bodies.
  std::vector<json> posted_messages() const;

  devenv::testing::temp_dir dir_;
  std::unique_ptr<devenv::testing::kube_sim_process> sim_;
  std::unique_ptr<kube::client> api_;
  std::unique_ptr<schedule::kube_cronjob_store> cronjob_store_;
  std::unique_ptr<schedule::cronjob_manager> manager_;
  std::unique_ptr<env::kube_workload_store> workloads_;
  std::unique_ptr<env::environment_service> environments_;
  devenv::testing::fake_slack slack_;
  std::unique_ptr<slack::web_api_client> web_;
  std::atomic<time_point> now_{};
  std::mutex waits_mutex_;
  std::vector<std::chrono::milliseconds> web_waits_;  // what the Web API client would have slept (429)
};

}  // namespace devenv::notify::testing
