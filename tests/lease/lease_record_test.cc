// The Lease record: MicroTime rendering, reading Lease JSON as the API server returns it, rendering the spec.
#include "lease/lease_record.h"

#include <gtest/gtest.h>

namespace devenv::lease {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h;

TEST(LeaseRecord, MicroTimeHasSixFractionDigits) {
  EXPECT_EQ(format_micro_time(t0), "2026-11-27T18:00:00.000000Z");
  EXPECT_EQ(format_micro_time(t0 + 1'234'567us), "2026-11-27T18:00:01.234567Z");
  EXPECT_EQ(format_micro_time(t0 + 59s + 999'999us + 999ns), "2026-11-27T18:00:59.999999Z");
}

TEST(LeaseRecord, ReadsALeaseAsTheApiServerReturnsIt) {
  const auto lease = json::parse(R"({
    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
    "metadata": {"name": "devenv-scaler", "namespace": "devenv", "resourceVersion": "42"},
    "spec": {"holderIdentity": "pod-a", "leaseDurationSeconds": 15,
             "acquireTime": "2026-11-27T18:00:00.000000Z", "renewTime": "2026-11-27T18:00:01.234567Z",
             "leaseTransitions": 2}})");
  auto r = record_from_lease(lease);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->holder_identity, "pod-a");
  EXPECT_EQ(r->lease_duration, 15s);
  EXPECT_EQ(r->acquire_time, t0);
  EXPECT_EQ(r->renew_time, t0 + 1'234'567us);
  EXPECT_EQ(r->lease_transitions, 2);
  EXPECT_EQ(r->resource_version, "42");
}

TEST(LeaseRecord, SpecRoundTrips) {
  lease_record r{"pod-b", 15s, t0, t0 + 3'000'001us, 4, "9"};
  const auto object = lease_object("devenv", "devenv-scaler", r);
  EXPECT_EQ(object["metadata"]["namespace"], "devenv");
  EXPECT_EQ(object["spec"]["renewTime"], "2026-11-27T18:00:03.000001Z");
  auto back = record_from_lease(json{{"metadata", {{"resourceVersion", "9"}}}, {"spec", object["spec"]}});
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, r);
}

TEST(LeaseRecord, EmptyAndMalformedLeases) {
  struct read_case {
    const char* name;
    json lease;
    bool ok;
  };
  const std::vector<read_case> cases = {
      {"no spec: nobody holds it", json{{"metadata", {{"resourceVersion", "1"}}}}, true},
      {"null times", json::parse(R"({"spec": {"holderIdentity": "a", "renewTime": null}})"), true},
      {"not an object", json::array(), false},
      {"spec is a string", json{{"spec", "x"}}, false},
      {"bad time", json::parse(R"({"spec": {"renewTime": "yesterday"}})"), false},
      {"duration is a string", json::parse(R"({"spec": {"leaseDurationSeconds": "15"}})"), false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(record_from_lease(c.lease).has_value(), c.ok);
  }
  auto empty = record_from_lease(json{{"metadata", {{"resourceVersion", "1"}}}});
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->holder_identity, "");
  EXPECT_FALSE(empty->renew_time.has_value());
}

}  // namespace
}  // namespace devenv::lease
