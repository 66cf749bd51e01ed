#include "model/workload_status.h"

#include <gtest/gtest.h>

#include "kube-sim-model/fixture.h"
#include "model/store.h"

namespace kubesim {
namespace {

using namespace std::chrono_literals;
using testing::deployment;
using testing::kind_of;

class WorkloadStatusTest : public ::testing::Test, public testing::store_fixture {
 protected:
  WorkloadStatusTest() : testing::store_fixture(options()) {}
  static store_options options() {
    store_options o;
    o.workload_ready_delay = 1500ms;
    return o;
  }
  json status(const resource_kind& k, const char* name) { return s().get(k, "dev1", name).value()["status"]; }
  static std::int64_t num(const json& st, const char* key) {
    return st.contains(key) ? st[key].get<std::int64_t>() : 0;
  }
  static std::string condition(const json& st, const char* type) {
    for (const auto& c : st["conditions"]) {
      if (c["type"] == type) return c["status"].get<std::string>() + "/" + c["reason"].get<std::string>();
    }
    return "";
  }
};

TEST_F(WorkloadStatusTest, ReadyFollowsSpecAfterDelayForEachKind) {
  for (const char* resource : {"deployments", "statefulsets", "replicasets"}) {
    const auto& k = kind_of(resource);
    json object = deployment("w", 3);
    object["apiVersion"] = k.api_version();
    object["kind"] = k.kind;
    s().create(k, "dev1", object, false).value();
    auto st = status(k, "w");
    EXPECT_EQ(num(st, "replicas"), 3) << resource;
    EXPECT_EQ(num(st, "readyReplicas"), 0) << resource;
    EXPECT_EQ(num(st, "observedGeneration"), 1) << resource;
    const auto due = s().advance();
    ASSERT_TRUE(due.has_value()) << resource;
    EXPECT_EQ(*due, now() + 1500ms) << resource;
    tick(1499ms);
    s().advance();
    EXPECT_EQ(num(status(k, "w"), "readyReplicas"), 0) << resource;
    tick(1ms);
    EXPECT_FALSE(s().advance().has_value()) << resource;
    st = status(k, "w");
    EXPECT_EQ(num(st, "readyReplicas"), 3) << resource;
    EXPECT_EQ(num(st, "availableReplicas"), 3) << resource;
  }
}

TEST_F(WorkloadStatusTest, ScaleUpWaitsScaleDownIsImmediate) {
  const auto& d = kind_of("deployments");
  s().create(d, "dev1", deployment("web", 2), false).value();
  tick(2s);
  s().advance();
  EXPECT_EQ(condition(status(d, "web"), "Available"), "True/MinimumReplicasAvailable");
  EXPECT_EQ(condition(status(d, "web"), "Progressing"), "True/NewReplicaSetAvailable");

  auto w = s().watch(d, "dev1", {}).value();
  w->pending.clear();
  s().patch(d, "dev1", "web", patch_type::merge, R"({"spec":{"replicas":0}})", false).value();
  auto st = status(d, "web");
  EXPECT_EQ(num(st, "observedGeneration"), 2);
  EXPECT_EQ(num(st, "replicas"), 0);
  EXPECT_EQ(num(st, "readyReplicas"), 0);
  EXPECT_FALSE(st.contains("readyReplicas"));  // omitempty like the API types
  EXPECT_FALSE(s().advance().has_value());

  s().patch(d, "dev1", "web", patch_type::merge, R"({"spec":{"replicas":4}})", false).value();
  st = status(d, "web");
  EXPECT_EQ(num(st, "observedGeneration"), 3);
  EXPECT_EQ(num(st, "replicas"), 4);
  EXPECT_EQ(num(st, "updatedReplicas"), 4);
  EXPECT_EQ(num(st, "readyReplicas"), 0);
  EXPECT_EQ(condition(st, "Available"), "False/MinimumReplicasUnavailable");
  tick(1500ms);
  s().advance();
  st = status(d, "web");
  EXPECT_EQ(num(st, "readyReplicas"), 4);
  EXPECT_EQ(condition(st, "Available"), "True/MinimumReplicasAvailable");
  ASSERT_EQ(w->pending.size(), 3u);  // scale down, scale up, ready
  EXPECT_EQ(w->pending.back().type, "MODIFIED");
  EXPECT_EQ(w->pending.back().object["status"]["readyReplicas"], 4);
}

TEST_F(WorkloadStatusTest, MissingReplicasDefaultsToOne) {
  const auto& d = kind_of("deployments");
  json object = deployment("web", 1);
  object["spec"].erase("replicas");
  s().create(d, "dev1", object, false).value();
  EXPECT_EQ(num(status(d, "web"), "replicas"), 1);
  EXPECT_EQ(s().get_subresource(d, "dev1", "web", "scale").value()["spec"]["replicas"], 1);
}

TEST_F(WorkloadStatusTest, DeletedWorkloadHasNothingPending) {
  const auto& d = kind_of("deployments");
  s().create(d, "dev1", deployment("web", 2), false).value();
  s().remove(d, "dev1", "web", false).value();
  EXPECT_FALSE(s().advance().has_value());
}

TEST(WorkloadStatusPure, OnlyWorkloadsAreSimulated) {
  EXPECT_TRUE(simulates_workload("deployments"));
  EXPECT_TRUE(simulates_workload("statefulsets"));
  EXPECT_TRUE(simulates_workload("replicasets"));
  EXPECT_FALSE(simulates_workload("cronjobs"));
  EXPECT_EQ(desired_replicas(json{{"spec", {{"replicas", 0}}}}), 0);
  EXPECT_EQ(desired_replicas(json::object()), 1);
}

}  // namespace
}  // namespace kubesim
