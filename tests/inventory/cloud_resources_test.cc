#include "inventory/cloud_resources.h"

#include <gtest/gtest.h>

#include "inventory/fake_cloud_api.h"
#include "inventory/sqlite_store.h"

namespace devenv::inventory {
namespace {

using namespace std::chrono_literals;
using env::resource_outcome;
using testing::fake_cloud_api;
using testing::make_resource;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h;

class cloud_resources_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = sqlite_store::open(":memory:");
    ASSERT_TRUE(opened);
    store_ = std::move(*opened);
    cache_ = std::make_unique<cacher>(api_, *store_, tag_keys{}, [this] { return now_; });
    api_.add(make_resource(resource_kind::ec2, "i-1", "running", "dev1"));
    api_.add(make_resource(resource_kind::ec2, "i-2", "running", "dev1"));
    api_.add(make_resource(resource_kind::ec2, "i-off", "stopped", "dev1"));
    api_.add(make_resource(resource_kind::rds_instance, "pg", "available", "dev1", "db.t3.micro"));
    api_.add(make_resource(resource_kind::rds_cluster, "aurora", "available", "dev1", "aurora-postgresql"));
    api_.add(make_resource(resource_kind::rds_instance, "aurora-a", "available", "dev1", "db.r6g.large",
                           "aurora"));
    api_.add(make_resource(resource_kind::ec2, "i-other", "running", "dev2"));
  }

  cloud_resources make(wait_options wait = {}) {
    return cloud_resources(
        api_, *cache_, wait, [this] { return now_; },
        [this](std::chrono::milliseconds d) {
          now_ += d;
          ++sleeps_;
        });
  }

  std::vector<std::string> action_calls() const {
    std::vector<std::string> out;
    for (const auto& c : api_.calls()) {
      if (c.rfind("describe", 0) != 0) out.push_back(c);
    }
    return out;
  }

  fake_cloud_api api_;
  std::unique_ptr<sqlite_store> store_;
  std::unique_ptr<cacher> cache_;
  time_point now_ = t0;
  int sleeps_ = 0;
};

std::string summary(const std::vector<env::resource_item>& items) {
  std::string out;
  for (const auto& i : items) {
    out += i.id + ":" +
           (i.outcome == resource_outcome::ok        ? "ok"
            : i.outcome == resource_outcome::skipped ? "skipped"
                                                     : "failed") +
           " ";
  }
  return out;
}

TEST_F(cloud_resources_test, stop_is_ec2_then_rds_and_leaves_other_environments_alone) {
  auto r = make();
  const auto items = r.stop("dev1");
  EXPECT_EQ(summary(items), "i-1:ok i-2:ok i-off:skipped pg:ok aurora:ok ");
  EXPECT_EQ(action_calls(), (std::vector<std::string>{"stop ec2 i-1 i-2", "stop rds-instance pg",
                                                      "stop rds-cluster aurora"}));
  EXPECT_EQ(items[0].from_state, "running");
  EXPECT_EQ(items[0].to_state, "stopping");
  EXPECT_EQ(items[2].message, "already stopped");
  EXPECT_EQ(api_.state(resource_kind::ec2, "i-other"), "running");
  EXPECT_EQ(api_.state(resource_kind::rds_instance, "aurora-a"), "available");  // the cluster stands for it
}

TEST_F(cloud_resources_test, start_is_rds_then_ec2_and_a_second_start_does_nothing) {
  auto r = make();
  r.stop("dev1");
  api_.settle();
  const auto items = r.start("dev1");
  EXPECT_EQ(summary(items), "aurora:ok pg:ok i-1:ok i-2:ok i-off:ok ");
  const auto calls = action_calls();
  ASSERT_EQ(calls.size(), 6u);
  EXPECT_EQ(calls[3], "start rds-cluster aurora");
  EXPECT_EQ(calls[4], "start rds-instance pg");
  EXPECT_EQ(calls[5], "start ec2 i-1 i-2 i-off");
  api_.settle();
  EXPECT_EQ(summary(r.start("dev1")), "aurora:skipped pg:skipped i-1:skipped i-2:skipped i-off:skipped ");
  EXPECT_EQ(action_calls().size(), 6u);
}

TEST_F(cloud_resources_test, one_bad_instance_is_reported_and_the_rest_proceed) {
  api_.add(make_resource(resource_kind::ec2, "i-gone", "terminated", "dev1"));
  api_.fail_id("i-2");
  auto r = make();
  const auto items = r.stop("dev1");
  EXPECT_EQ(summary(items), "i-1:ok i-2:failed i-gone:failed i-off:skipped pg:ok aurora:ok ");
  EXPECT_NE(items[1].message.find("InvalidInstanceID.NotFound"), std::string::npos);
  EXPECT_EQ(items[2].message, "terminated: it cannot be stopped");
  EXPECT_EQ(api_.state(resource_kind::rds_instance, "pg"), "stopping");
}

TEST_F(cloud_resources_test, a_state_change_racing_the_describe_counts_as_done) {
  // Planned from a view where i-off was running; AWS says it is already stopped when asked.
  auto r = make();
  const auto stale_view = make_resource(resource_kind::ec2, "i-off", "running", "dev1");
  const auto items = r.apply(power_action::stop, plan_power(power_action::stop, {stale_view}));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].outcome, resource_outcome::skipped);
  EXPECT_EQ(items[0].message, "already stopped");
}

TEST_F(cloud_resources_test, when_aws_cannot_list_the_cached_inventory_is_used) {
  auto r = make();
  ASSERT_TRUE(cache_->refresh());
  api_.fail_describe(true);
  const auto items = r.stop("dev1");
  EXPECT_EQ(summary(items), "i-1:ok i-2:ok i-off:skipped pg:ok aurora:ok ");
  EXPECT_NE(items[0].message.find("from the cached inventory"), std::string::npos);
  const auto unknown = r.stop("dev9");
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].outcome, resource_outcome::failed);
  EXPECT_NE(unknown[0].message.find("EC2/RDS not listed"), std::string::npos);
}

TEST_F(cloud_resources_test, start_waits_until_ready_within_its_bound) {
  auto r = make({true, 60s, 10s});
  r.stop("dev1");
  api_.settle();
  api_.settle_after_describes(3);  // the describe of start, then two polls: ready on the second poll
  const auto items = r.start("dev1");
  EXPECT_EQ(summary(items), "aurora:ok pg:ok i-1:ok i-2:ok i-off:ok ");
  EXPECT_EQ(items[0].to_state, "available");
  EXPECT_EQ(items[2].to_state, "running");
  EXPECT_EQ(sleeps_, 1);
}

TEST_F(cloud_resources_test, start_stops_waiting_at_the_bound_and_says_so) {
  auto r = make({true, 30s, 10s});
  r.stop("dev1");
  api_.settle();
  const auto items = r.start("dev1");
  EXPECT_EQ(summary(items), "aurora:ok pg:ok i-1:ok i-2:ok i-off:ok ");
  EXPECT_NE(items[0].message.find("still starting after 30s"), std::string::npos) << items[0].message;
  EXPECT_LE(now_ - t0, 30s);
  EXPECT_EQ(sleeps_, 3);
}

TEST_F(cloud_resources_test, describe_answers_from_the_inventory_with_its_age) {
  auto r = make();
  auto none = r.describe("dev1");
  EXPECT_FALSE(none.age);
  EXPECT_TRUE(none.resources.empty());
  ASSERT_TRUE(cache_->refresh());
  now_ += 42s;
  api_.fail_describe(true);
  ASSERT_FALSE(cache_->refresh());
  const auto status = r.describe("dev1");
  ASSERT_TRUE(status.age);
  EXPECT_EQ(*status.age, 42s);
  EXPECT_TRUE(status.stale);
  ASSERT_EQ(status.resources.size(), 5u);
  EXPECT_EQ(status.resources[0].kind, "ec2");
  EXPECT_EQ(status.resources[0].id, "i-1");
  EXPECT_EQ(status.resources[0].type, "t3.micro");
  EXPECT_EQ(status.resources[0].state, "running");
}

}  // namespace
}  // namespace devenv::inventory
