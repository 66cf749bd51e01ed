// Two scaler replicas, each with a real leader_elector competing for one coordination.k8s.io/v1 Lease in
// the same kube-sim, each with its own warning runner: every warning is sent exactly once, by whoever leads,
// across a handover (the leader releases the Lease; the standby takes over and continues the series).
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "lease/kube_lease_store.h"
#include "lease/leader_elector.h"
#include "notify/kube_fixture.h"

namespace devenv::notify::testing {
namespace {

using namespace std::chrono;

// Polls `condition` until it holds or `deadline` passes (the electors run on real time).
bool eventually(const std::function<bool()>& condition, milliseconds deadline = seconds{15}) {
  const auto until = steady_clock::now() + deadline;
  while (steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds{10});
  }
  return condition();
}

TEST_F(notify_kube, TwoElectedReplicasSendEachWarningOnce) {
  const auto t = friday_shutdown();
  lease::kube_lease_store store_a(*api_, "devenv-scaler", "devenv-scaler");
  lease::kube_lease_store store_b(*api_, "devenv-scaler", "devenv-scaler");
  lease::elector_options oa;
  oa.identity = "replica-a";
  oa.timing = {seconds{3}, milliseconds{2000}, milliseconds{200}};
  auto ob = oa;
  ob.identity = "replica-b";
  lease::leader_elector a(store_a, oa);
  lease::leader_elector b(store_b, ob);
  a.start();
  ASSERT_TRUE(eventually([&] { return a.is_leader(); }));
  b.start();
  ASSERT_TRUE(eventually([&] { return b.leader() == "replica-a"; })) << "b has seen a's Lease";

  auto runner_a = make_runner([&] { return a.is_leader(); });
  auto runner_b = make_runner([&] { return b.is_leader(); });
  std::map<std::string, int> copies;
  auto tick_both = [&] {
    tick_report ra;
    tick_report rb;
    std::thread ta([&] { ra = runner_a->run_once(); });
    std::thread tb([&] { rb = runner_b->run_once(); });
    ta.join();
    tb.join();
    for (const auto* r : {&ra, &rb}) {
      EXPECT_TRUE(r->errors.empty()) << r->errors.front();
      for (const auto& s : r->sent) {
        for (const auto& ns : s.namespaces) ++copies[ns];
      }
    }
    return std::pair{ra.leader, rb.leader};
  };

  set_now(t - minutes{60});
  EXPECT_EQ(tick_both(), (std::pair{true, false}));
  EXPECT_EQ(copies, (std::map<std::string, int>{{"dev1", 1}, {"dev2", 1}, {"dev3", 1}}));

  // Graceful handover: a stops (releasing the Lease), b takes over.
  a.stop();
  ASSERT_TRUE(eventually([&] { return b.is_leader(); }));
  set_now(t - minutes{30});
  EXPECT_EQ(tick_both(), (std::pair{false, true}));
  set_now(t - minutes{15});
  EXPECT_EQ(tick_both(), (std::pair{false, true}));
  b.stop();

  EXPECT_EQ(copies, (std::map<std::string, int>{{"dev1", 3}, {"dev2", 3}, {"dev3", 3}}));
  EXPECT_EQ(posted_messages().size(), 6u);
  EXPECT_EQ(schedule::parse_notified(notified("dev2")).sent, (std::set<int>{60, 30, 15}));
}

}  // namespace
}  // namespace devenv::notify::testing
