#include "server/fault_injector.h"

#include <gtest/gtest.h>

namespace kubesim {
namespace {

using nlohmann::json;
using namespace std::chrono;

TEST(FaultInjector, GlobMatching) {
  struct {
    const char* pattern;
    const char* text;
    bool match;
  } cases[] = {
      {"/apis/apps/v1/namespaces/*/deployments/*", "/apis/apps/v1/namespaces/dev1/deployments/web", true},
      {"/apis/apps/v1/namespaces/*/deployments/*", "/api/v1/namespaces/dev1", false},
      {"*", "/anything", true},
      {"/api/v1/namespaces/dev1", "/api/v1/namespaces/dev1", true},
      {"/api/v1/namespaces/dev1", "/api/v1/namespaces/dev10", false},
      {"*web", "/x/web", true},
      {"*web", "/x/webs", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(fault_injector::glob_match(c.pattern, c.text), c.match) << c.pattern << " " << c.text;
}

TEST(FaultInjector, NothingConfiguredMeansNoFault) {
  fault_injector faults;
  for (const char* verb : {"get", "list", "update", "patch"}) {
    const auto d = faults.decide(verb, "/api/v1/namespaces");
    EXPECT_EQ(d.latency, milliseconds(0));
    EXPECT_FALSE(d.error);
  }
}

TEST(FaultInjector, ErrorRatesAreSeededAndPerVerb) {
  const json config = {{"errors",
                        {{"get", {{"rate", 0.5}, {"code", 503}}},
                         {"*", {{"rate", 1.0}, {"code", 429}, {"retryAfterSeconds", 7}}}}}};
  auto run = [&](std::uint64_t seed) {
    fault_injector faults(seed);
    EXPECT_TRUE(faults.configure(config));
    std::string pattern;
    for (int i = 0; i < 200; ++i) pattern += faults.decide("get", "/p").error ? 'E' : '.';
    return pattern;
  };
  const std::string a = run(42);
  EXPECT_EQ(a, run(42));  // reproducible
  EXPECT_NE(a, run(43));
  const auto errors = std::count(a.begin(), a.end(), 'E');
  EXPECT_GT(errors, 60);
  EXPECT_LT(errors, 140);

  fault_injector faults(1);
  ASSERT_TRUE(faults.configure(config));
  const auto d = faults.decide("list", "/p");  // falls back to "*"
  ASSERT_TRUE(d.error);
  EXPECT_EQ(d.error->code, 429);
  EXPECT_EQ(d.error->reason, "TooManyRequests");
  ASSERT_TRUE(d.retry_after);
  EXPECT_EQ(*d.retry_after, seconds(7));
  faults.reset();
  EXPECT_FALSE(faults.decide("list", "/p").error);
}

TEST(FaultInjector, ForcedConflictsHitOnlyMatchingWritesAndRunOut) {
  fault_injector faults;
  ASSERT_TRUE(faults.configure(
      {{"conflicts", {{{"path", "/apis/apps/v1/namespaces/*/deployments/web"}, {"count", 2}}}}}));
  const std::string path = "/apis/apps/v1/namespaces/dev1/deployments/web";
  EXPECT_FALSE(faults.decide("get", path).error);
  EXPECT_FALSE(faults.decide("patch", "/apis/apps/v1/namespaces/dev1/deployments/api").error);
  for (int i = 0; i < 2; ++i) {
    const auto d = faults.decide(i == 0 ? "patch" : "update", path);
    ASSERT_TRUE(d.error);
    EXPECT_EQ(d.error->code, 409);
  }
  EXPECT_FALSE(faults.decide("patch", path).error);
}

TEST(FaultInjector, LatencyWithJitterStaysInRange) {
  fault_injector faults(7);
  ASSERT_TRUE(faults.configure({{"latency", {{"fixedMs", 100}, {"jitterMs", 50}}}}));
  bool varied = false;
  milliseconds first{-1};
  for (int i = 0; i < 50; ++i) {
    const auto d = faults.decide("get", "/x").latency;
    EXPECT_GE(d, milliseconds(100));
    EXPECT_LE(d, milliseconds(150));
    if (first.count() >= 0 && d != first) varied = true;
    first = d;
  }
  EXPECT_TRUE(varied);
}

TEST(FaultInjector, DropWatchesAndInvalidConfigurations) {
  fault_injector faults;
  const auto before = faults.drop_generation();
  ASSERT_TRUE(faults.configure({{"dropWatches", {{"now", true}, {"afterSeconds", 5}}}}));
  EXPECT_EQ(faults.drop_generation(), before + 1);
  EXPECT_EQ(faults.watch_lifetime(), seconds(5));
  for (const json& bad : {json::array(), json{{"errors", {{"get", {{"rate", 2}}}}}},
                          json{{"errors", {{"get", {{"rate", 0.5}, {"code", 404}}}}}},
                          json{{"latency", {{"fixedMs", -1}}}}, json{{"conflicts", {{{"count", 1}}}}}}) {
    EXPECT_FALSE(faults.configure(bad)) << bad.dump();
  }
  // A refused configuration changes nothing.
  EXPECT_EQ(faults.watch_lifetime(), seconds(5));
  EXPECT_EQ(faults.to_json()["latency"]["fixedMs"], 0);
}

}  // namespace
}  // namespace kubesim
