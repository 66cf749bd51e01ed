// Two electors in one process competing for one Lease on the real kube-sim: kube-sim fences writes with
// resourceVersion (409); exactly one leads and never two at the same instant (is_leader sampled in a loop
// throughout); a release hands over long before the lease could expire; a leader whose renewals are
// refused (kube-sim fault injection) steps down before expiry and the standby takes over after it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "http/curl_client.h"
#include "kube/client.h"
#include "kube/config.h"
#include "lease/kube_lease_store.h"
#include "lease/leader_elector.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::lease {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;

const char* const lease_path = "/apis/coordination.k8s.io/v1/namespaces/default/leases/devenv-scaler";

// Short, but in client-go's proportions; retry_period is short so that tests converge quickly.
election_timing test_timing() {
  return {4s, 2'000ms, 250ms};
}

template <class Predicate>
bool eventually(Predicate p, std::chrono::milliseconds deadline = 20s) {
  const auto until = steady::now() + deadline;
  while (steady::now() < until) {
    if (p()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return p();
}

struct replica {
  std::unique_ptr<kube::client> api;
  std::unique_ptr<kube_lease_store> store;
  std::unique_ptr<leader_elector> elector;
  std::atomic<int> started{0};
  std::atomic<int> stopped{0};
};

class lease_kube : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<devenv::testing::kube_sim_process>(
        dir_.path(), std::vector<std::string>{"--ready-delay", "0ms"});
    ASSERT_TRUE(sim_->ready()) << sim_->process().log();
    auto config = kube::load_kubeconfig(sim_->kubeconfig());
    ASSERT_TRUE(config) << config.error().message;
    config_ = *config;
  }
  void TearDown() override {
    sampling_ = false;
    if (sampler_.joinable()) sampler_.join();
    for (auto& r : replicas_) r->elector->stop();
  }

  std::unique_ptr<kube::client> make_client() {
    kube::client_options options;
    options.qps = 0;
    options.request_timeout = 2s;
    options.retry.max_attempts = 1;  // the elector retries every retry period itself
    return std::make_unique<kube::client>(config_, options);
  }

  replica& add_replica(const std::string& identity) {
    auto r = std::make_unique<replica>();
    r->api = make_client();
    r->store = std::make_unique<kube_lease_store>(*r->api, "default", "devenv-scaler");
    elector_options o;
    o.identity = identity;
    o.timing = test_timing();
    auto* raw = r.get();
    o.on_started_leading = [raw] { ++raw->started; };
    o.on_stopped_leading = [raw] { ++raw->stopped; };
    r->elector = std::make_unique<leader_elector>(*r->store, o);
    replicas_.push_back(std::move(r));
    return *replicas_.back();
  }

  // Samples both electors until TearDown; an overlap is counted only when one elector leads before and
  // after the other was seen leading, so a handover between two loads is not mistaken for one.
  void start_sampling(replica& a, replica& b) {
    sampling_ = true;
    sampler_ = std::thread([this, &a, &b] {
      while (sampling_.load()) {
        const bool a1 = a.elector->is_leader(), b1 = b.elector->is_leader();
        const bool a2 = a.elector->is_leader(), b2 = b.elector->is_leader();
        if ((a1 && b1 && a2) || (b1 && a2 && b2)) ++overlaps_;
        ++samples_;
      }
    });
  }

  bool sim_call(const std::string& method, const std::string& path, const std::string& body = {}) {
    http::client_request r;
    r.method = method;
    r.url = sim_->url() + path;
    r.headers = {{"Authorization", "Bearer " + sim_->admin_token()}, {"Content-Type", "application/json"}};
    r.tls.ca_file = (sim_->kubeconfig().parent_path() / "ca.crt").string();
    r.body = body;
    const auto response = http_.perform(r);
    return response && response->status == 200;
  }

  std::string kubectl_holder() {
    auto r = sim_->kubectl(
        {"get", "lease", "devenv-scaler", "-n", "default", "-o", "jsonpath={.spec.holderIdentity}"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  devenv::testing::temp_dir dir_;
  std::unique_ptr<devenv::testing::kube_sim_process> sim_;
  kube::connection_config config_;
  http::curl_client http_;
  std::vector<std::unique_ptr<replica>> replicas_;
  std::atomic<bool> sampling_{false};
  std::atomic<long> overlaps_{0};
  std::atomic<long> samples_{0};
  std::thread sampler_;
};

TEST_F(lease_kube, WritesAreFencedByResourceVersion) {
  auto api = make_client();
  kube_lease_store store(*api, "default", "devenv-scaler");
  auto none = store.get();
  ASSERT_TRUE(none.has_value()) << none.error().message;
  EXPECT_FALSE(none->has_value());
  const auto now = std::chrono::system_clock::now();
  auto created = store.create({"a", 15s, now, now, 0, ""});
  ASSERT_TRUE(created.has_value()) << created.error().message;
  EXPECT_FALSE(created->resource_version.empty());
  EXPECT_EQ(created->holder_identity, "a");
  EXPECT_EQ(kubectl_holder(), "a");

  auto again = store.create({"b", 15s, now, now, 0, ""});
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, errc::conflict);

  auto renewed = *created;
  renewed.renew_time = now + 2s;
  auto written = store.update(renewed);
  ASSERT_TRUE(written.has_value()) << written.error().message;
  EXPECT_NE(written->resource_version, created->resource_version);
  EXPECT_EQ(written->renew_time, std::chrono::floor<std::chrono::microseconds>(now + 2s));

  // A write decided on the old version loses, and changes nothing.
  auto stale = *created;
  stale.holder_identity = "b";
  auto lost = store.update(stale);
  ASSERT_FALSE(lost.has_value());
  EXPECT_EQ(lost.error().code, errc::conflict);
  EXPECT_EQ(kubectl_holder(), "a");
}

TEST_F(lease_kube, ExactlyOneLeadsAndAReleaseHandsOverWithinARetryPeriod) {
  auto& a = add_replica("replica-a");
  auto& b = add_replica("replica-b");
  start_sampling(a, b);
  a.elector->start();
  b.elector->start();
  ASSERT_TRUE(eventually([&] { return a.elector->is_leader() || b.elector->is_leader(); }));
  auto& leader = a.elector->is_leader() ? a : b;
  auto& standby = &leader == &a ? b : a;
  // Several renewals later, still exactly one leader, and the Lease names it.
  std::this_thread::sleep_for(3 * test_timing().retry_period);
  EXPECT_TRUE(leader.elector->is_leader());
  EXPECT_FALSE(standby.elector->is_leader());
  EXPECT_EQ(kubectl_holder(), leader.elector->identity());
  EXPECT_EQ(leader.started.load(), 1);
  EXPECT_EQ(standby.started.load(), 0);

  // Graceful stop: the work stops, the Lease is released, the standby takes it at its next attempt.
  const auto stopped_at = steady::now();
  leader.elector->stop();
  EXPECT_EQ(leader.stopped.load(), 1);
  ASSERT_TRUE(eventually([&] { return standby.elector->is_leader(); }));
  const auto handover = steady::now() - stopped_at;
  // Without the release the standby would wait a whole lease duration (4 s) after its last observation.
  EXPECT_LT(handover, test_timing().lease_duration)
      << std::chrono::duration_cast<std::chrono::milliseconds>(handover).count() << " ms";
  std::printf(
      "handover after release: %lld ms\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(handover).count()));
  EXPECT_EQ(kubectl_holder(), standby.elector->identity());
  sampling_ = false;
  sampler_.join();
  EXPECT_GT(samples_.load(), 1000);
  EXPECT_EQ(overlaps_.load(), 0);
}

TEST_F(lease_kube, ALeaderWhoseRenewalsFailStepsDownAndTheOtherTakesOverAfterExpiry) {
  auto& a = add_replica("replica-a");
  auto& b = add_replica("replica-b");
  start_sampling(a, b);
  a.elector->start();
  ASSERT_TRUE(eventually([&] { return a.elector->is_leader(); }));
  b.elector->start();
  ASSERT_TRUE(eventually([&] { return b.elector->leader() == "replica-a"; }));  // b has seen a's lease

  // From now on every write to the Lease answers 409: the leader cannot renew; the standby only reads.
  const auto faulted_at = steady::now();
  ASSERT_TRUE(sim_call("POST", "/_sim/faults",
                       json{{"conflicts", {{{"path", lease_path}, {"count", 100000}}}}}.dump()));
  ASSERT_TRUE(eventually([&] { return !a.elector->is_leader(); }));
  const auto stepped_down_after = steady::now() - faulted_at;
  // The last successful renewal was at most one retry period before the fault: the leader stops within
  // renew_deadline of it, well before the lease (4 s from the standby's observation) can expire.
  EXPECT_LT(stepped_down_after, test_timing().renew_deadline + 2 * test_timing().retry_period)
      << std::chrono::duration_cast<std::chrono::milliseconds>(stepped_down_after).count() << " ms";
  std::printf("stepped down %lld ms after renewals started failing\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(stepped_down_after).count()));
  EXPECT_FALSE(b.elector->is_leader());
  ASSERT_TRUE(eventually([&] { return a.stopped.load() == 1; }));

  ASSERT_TRUE(sim_call("DELETE", "/_sim/faults"));
  ASSERT_TRUE(eventually([&] { return b.elector->is_leader(); }));
  const auto taken_after = steady::now() - faulted_at;
  // Not before the lease expired in the standby's view (it last saw a renewal no later than the fault).
  EXPECT_GE(taken_after, test_timing().lease_duration - test_timing().retry_period)
      << std::chrono::duration_cast<std::chrono::milliseconds>(taken_after).count() << " ms";
  std::printf(
      "standby took over %lld ms after renewals started failing\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(taken_after).count()));
  EXPECT_EQ(kubectl_holder(), "replica-b");
  EXPECT_FALSE(a.elector->is_leader());  // it sits out a lease duration after stepping down
  sampling_ = false;
  sampler_.join();
  EXPECT_EQ(overlaps_.load(), 0);
  EXPECT_GT(samples_.load(), 1000);
}

}  // namespace
}  // namespace devenv::lease
