// kube-sim's simulated pod status (tools/kube-sim/model/workload_status.h): a created pod is Pending with
// the QoS class its resources give, Running after the ready delay, and Failed/DeadlineExceeded once
// activeDeadlineSeconds has passed since it started. The store itself is driven with a fake clock.
#include <gtest/gtest.h>

#include "core/rfc3339.h"
#include "model/resource_kind.h"
#include "model/store.h"
#include "model/workload_status.h"

namespace kubesim {
namespace {

using namespace std::chrono_literals;

json pod(json resources, std::optional<int> deadline = std::nullopt) {
  json p = {{"metadata", {{"name", "manage1"}, {"creationTimestamp", "2026-11-27T10:00:00Z"}}},
            {"spec", {{"containers", json::array({{{"name", "support"}, {"image", "busybox"}}})}}}};
  if (!resources.is_null()) p["spec"]["containers"][0]["resources"] = resources;
  if (deadline) p["spec"]["activeDeadlineSeconds"] = *deadline;
  return p;
}

TEST(PodStatus, PendingWithItsQosClass) {
  struct row {
    std::string what;
    json resources;
    std::string qos;
  };
  for (const auto& r : std::vector<row>{
           {"none", nullptr, "BestEffort"},
           {"requests = limits",
            {{"requests", {{"cpu", "1"}, {"memory", "1Gi"}}}, {"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}},
            "Guaranteed"},
           {"limits only", {{"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}}, "Guaranteed"},
           {"cpu limit above request",
            {{"requests", {{"cpu", "250m"}, {"memory", "1Gi"}}},
             {"limits", {{"cpu", "500m"}, {"memory", "1Gi"}}}},
            "Burstable"},
           {"requests only", {{"requests", {{"memory", "1Gi"}}}}, "Burstable"},
       }) {
    SCOPED_TRACE(r.what);
    auto p = pod(r.resources);
    EXPECT_TRUE(simulates_workload("pods"));
    EXPECT_TRUE(apply_spec_change("pods", p, "2026-11-27T10:00:00Z"));
    EXPECT_EQ(p["status"]["phase"], "Pending");
    EXPECT_EQ(p["status"]["qosClass"], r.qos);
  }
}

TEST(PodStatus, RunsAfterTheReadyDelayAndFailsPastItsDeadline) {
  auto p = pod(nullptr, 3600);
  apply_spec_change("pods", p, "2026-11-27T10:00:00Z");
  EXPECT_FALSE(fail_past_deadline(p, "2026-11-27T10:59:59Z"));  // counted from creation while pending
  EXPECT_TRUE(mark_ready("pods", p, "2026-11-27T10:00:02Z"));
  EXPECT_EQ(p["status"]["phase"], "Running");
  EXPECT_EQ(p["status"]["startTime"], "2026-11-27T10:00:02Z");
  EXPECT_EQ(p["status"]["containerStatuses"][0]["ready"], true);
  EXPECT_FALSE(mark_ready("pods", p, "2026-11-27T10:00:03Z"));  // already running: nothing changes
  EXPECT_FALSE(fail_past_deadline(p, "2026-11-27T11:00:01Z"));  // from startTime: 1 s to go
  EXPECT_TRUE(fail_past_deadline(p, "2026-11-27T11:00:02Z"));
  EXPECT_EQ(p["status"]["phase"], "Failed");
  EXPECT_EQ(p["status"]["reason"], "DeadlineExceeded");
  EXPECT_EQ(p["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"], 137);
  EXPECT_FALSE(fail_past_deadline(p, "2026-11-27T12:00:00Z"));  // failed once
  // Without a deadline a pod runs for ever.
  auto forever = pod(nullptr);
  mark_ready("pods", forever, "2026-11-27T10:00:02Z");
  EXPECT_FALSE(fail_past_deadline(forever, "2036-11-27T10:00:00Z"));
  // A deadline already over when the pod would start: it never runs.
  auto late = pod(nullptr, 1);
  EXPECT_TRUE(mark_ready("pods", late, "2026-11-27T10:00:05Z"));
  EXPECT_EQ(late["status"]["phase"], "Failed");
}

TEST(PodStatus, TheStoreMovesACreatedPodToRunning) {
  auto now = *devenv::parse_rfc3339("2026-11-27T10:00:00Z");
  store_options options;
  options.workload_ready_delay = 2s;
  store s(options, [&] { return now; });
  const auto& kinds = builtin_kinds();
  const resource_kind* pods = nullptr;
  const resource_kind* namespaces = nullptr;
  for (const auto& k : kinds) {
    if (k.resource == "pods") pods = &k;
    if (k.resource == "namespaces") namespaces = &k;
  }
  ASSERT_TRUE(pods && namespaces);
  ASSERT_TRUE(s.create(*namespaces, "", {{"metadata", {{"name", "devenv-support"}}}}, false));
  auto created =
      s.create(*pods, "devenv-support", pod({{"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}}, 60), false);
  ASSERT_TRUE(created);
  EXPECT_EQ((*created)["status"]["phase"], "Pending");
  EXPECT_EQ((*created)["status"]["qosClass"], "Guaranteed");
  const auto next = s.advance();
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, now + 2s);
  now += 2s;
  s.advance();
  auto running = s.get(*pods, "devenv-support", "manage1");
  ASSERT_TRUE(running);
  EXPECT_EQ((*running)["status"]["phase"], "Running");

  // Started at 10:00:02 with a 60 s deadline: the store fails it at 10:01:02, not a moment before.
  const auto deadline = s.advance();
  ASSERT_TRUE(deadline);
  EXPECT_EQ(*deadline, now + 60s);
  now += 59s;
  s.advance();
  EXPECT_EQ((*s.get(*pods, "devenv-support", "manage1"))["status"]["phase"], "Running");
  now += 1s;
  EXPECT_FALSE(s.advance());  // nothing left to do for it
  auto failed = s.get(*pods, "devenv-support", "manage1");
  ASSERT_TRUE(failed);
  EXPECT_EQ((*failed)["status"]["phase"], "Failed");
  EXPECT_EQ((*failed)["status"]["reason"], "DeadlineExceeded");
}

TEST(PodStatus, ADeletedPodHasNoDeadlineLeft) {
  auto now = *devenv::parse_rfc3339("2026-11-27T10:00:00Z");
  store_options options;
  options.workload_ready_delay = 1s;
  store s(options, [&] { return now; });
  const resource_kind* pods = nullptr;
  const resource_kind* namespaces = nullptr;
  for (const auto& k : builtin_kinds()) {
    if (k.resource == "pods") pods = &k;
    if (k.resource == "namespaces") namespaces = &k;
  }
  ASSERT_TRUE(pods && namespaces);
  ASSERT_TRUE(s.create(*namespaces, "", {{"metadata", {{"name", "devenv-support"}}}}, false));
  ASSERT_TRUE(s.create(*pods, "devenv-support", pod(nullptr, 30), false));
  now += 1s;
  ASSERT_TRUE(s.advance());  // running; its deadline is scheduled
  ASSERT_TRUE(s.remove(*pods, "devenv-support", "manage1", false));
  EXPECT_FALSE(s.advance());
}

}  // namespace
}  // namespace kubesim
