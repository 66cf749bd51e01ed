// The DynamoDB item layout (dynamodb_item.h): what the store writes reads back the same, and items of
// unexpected shape (another version, a hand edit, a faulty proxy) read as absent instead of throwing.
#include "inventory/dynamodb_item.h"

#include <gtest/gtest.h>

#include "inventory/fake_cloud_api.h"

namespace devenv::inventory {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using testing::make_resource;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h;

TEST(DynamodbItem, WhatIsWrittenReadsBackTheSame) {
  auto r = make_resource(resource_kind::rds_cluster, "aurora-dev1", "available", "dev1", "aurora-postgresql");
  r.seen_at = t0 + 123ms;
  r.tags["team"] = "payments";
  const json item = to_item("dev1", 42, r);
  EXPECT_EQ(item["resource"], json({{"S", "42#rds-cluster#aurora-dev1"}}));
  EXPECT_EQ(item["generation"], json({{"N", "42"}}));
  const auto back = from_item(item);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, r);
}

TEST(DynamodbItem, EmptyStringsAreLeftOutAndReadBackEmpty) {
  auto r = make_resource(resource_kind::ec2, "i-1", "", "dev1", "");
  r.tags[""] = "x";
  r.tags["empty"] = "";
  const json item = to_item("dev1", 1, r);
  EXPECT_FALSE(item.contains("type"));
  EXPECT_FALSE(item.contains("state"));
  const auto back = from_item(item);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->type, "");
  EXPECT_EQ(back->state, "");
  EXPECT_FALSE(back->tags.count("empty"));
}

TEST(DynamodbItem, UnexpectedShapesReadAsAbsentWithoutThrowing) {
  EXPECT_FALSE(from_item(json::parse(R"({"kind":{"S":7},"id":{"S":"i-1"}})")));
  EXPECT_FALSE(from_item(json::parse(R"({"kind":{"N":"1"}})")));
  EXPECT_FALSE(from_item(json::parse(R"({"kind":{"S":"lambda"}})")));
  EXPECT_FALSE(from_item(json::parse(R"([1,2])")));
  EXPECT_FALSE(from_item(json::parse(R"("ec2")")));
  const auto odd = from_item(json::parse(
      R"({"kind":{"S":"ec2"},"id":{"S":"i-1"},"type":{"N":"3"},"state":["running"],"seen_at":{"N":"12x"},
          "tags":{"M":{"a":{"S":"1"},"b":{"N":"2"},"c":7}}})"));
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->id, "i-1");
  EXPECT_EQ(odd->type, "");
  EXPECT_EQ(odd->state, "");
  EXPECT_EQ(odd->seen_at, from_ms(0));
  EXPECT_EQ(odd->tags, (std::map<std::string, std::string>{{"a", "1"}}));
  EXPECT_EQ(read_n(json::parse(R"({"n":{"N":"-5"}})"), "n"), -5);
  EXPECT_EQ(read_n(json::parse(R"({"n":{"N":"99999999999999999999"}})"), "n"), 0);
  EXPECT_EQ(read_s(json(nullptr), "s"), "");
  // Found by fuzz_dynamodb_item: a seen_at beyond a time_point's range overflowed (UBSan).
  const auto far = from_item(json::parse(R"({"kind":{"S":"ec2"},"seen_at":{"N":"5183570558477460146"}})"));
  ASSERT_TRUE(far);
  EXPECT_EQ(far->seen_at, time_point{});
}

TEST(DynamodbItem, SameResourcesIgnoresOnlyWhenTheyWereSeen) {
  const auto inventory = [](time_point seen, std::string state) {
    auto r = make_resource(resource_kind::ec2, "i-1", std::move(state), "dev1");
    r.seen_at = seen;
    return environments{{"dev1", {r}}};
  };
  EXPECT_TRUE(same_resources(inventory(t0, "running"), inventory(t0 + 60s, "running")));
  EXPECT_FALSE(same_resources(inventory(t0, "running"), inventory(t0, "stopped")));
  EXPECT_FALSE(same_resources(inventory(t0, "running"), {}));
  auto renamed = inventory(t0, "running");
  renamed["dev2"] = renamed["dev1"];
  renamed.erase("dev1");
  EXPECT_FALSE(same_resources(inventory(t0, "running"), renamed));
}

TEST(DynamodbItem, MetaListsItsEnvironmentsAndToleratesOddEntries) {
  EXPECT_EQ(listed_environments(json::parse(R"({"environments":{"L":[{"S":"dev1"},{"S":""},{"N":"2"},1,
                                               {"S":"dev2"}]}})")),
            (std::vector<std::string>{"dev1", "dev2"}));
  EXPECT_TRUE(listed_environments(json::parse(R"({"environments":{"L":"dev1"}})")).empty());
  EXPECT_TRUE(listed_environments(json::parse(R"({"environments":[{"S":"dev1"}]})")).empty());
  EXPECT_TRUE(listed_environments(json::parse(R"({})")).empty());
  EXPECT_TRUE(listed_environments(json::parse(R"(3)")).empty());
}

}  // namespace
}  // namespace devenv::inventory
