#include "inventory/cacher.h"

#include <gtest/gtest.h>

#include <atomic>

#include "inventory/fake_cloud_api.h"
#include "inventory/sqlite_store.h"
#include "support/temp_dir.h"

namespace devenv::inventory {
namespace {

using namespace std::chrono_literals;
using testing::fake_cloud_api;
using testing::make_resource;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h;

// A store whose writes can be made to fail, over the real SQLite store.
class flaky_store : public inventory_store {
 public:
  explicit flaky_store(inventory_store& inner) : inner_(inner) {}
  std::atomic<bool> fail_writes{false};
  result<void> replace(const snapshot& s) override {
    if (fail_writes) return fail(errc::unavailable, "disk full");
    return inner_.replace(s);
  }
  result<std::optional<snapshot>> load() override { return inner_.load(); }

 private:
  inventory_store& inner_;
};

class cacher_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = sqlite_store::open(dir_.path() / "inv.db");
    ASSERT_TRUE(opened) << opened.error().message;
    sqlite_ = std::move(*opened);
    store_ = std::make_unique<flaky_store>(*sqlite_);
    api_.add(make_resource(resource_kind::ec2, "i-1", "running", "dev1"));
    api_.add(make_resource(resource_kind::rds_instance, "pg-1", "available", "dev1"));
    api_.add(make_resource(resource_kind::ec2, "i-2", "running", "dev2"));
    api_.add(make_resource(resource_kind::ec2, "i-free", "running", ""));
  }

  cacher make() {
    return cacher(api_, *store_, tag_keys{}, [this] { return now_; });
  }

  devenv::testing::temp_dir dir_;
  std::unique_ptr<sqlite_store> sqlite_;
  std::unique_ptr<flaky_store> store_;
  fake_cloud_api api_;
  time_point now_ = t0;
};

TEST_F(cacher_test, refresh_groups_by_environment_and_stores) {
  auto c = make();
  EXPECT_EQ(c.current(), nullptr);
  EXPECT_EQ(c.age_seconds(), -1);
  auto refreshed = c.refresh();
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_EQ(*refreshed, 3u);
  auto snap = c.current();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->envs.size(), 2u);
  EXPECT_EQ(snap->envs.at("dev1").size(), 2u);
  EXPECT_EQ(snap->envs.at("dev1")[0].seen_at, t0);
  auto stored = sqlite_->load();
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ((*stored)->envs, snap->envs);
  now_ += 30s;
  EXPECT_DOUBLE_EQ(c.age_seconds(), 30);
  EXPECT_FALSE(c.status().stale());
}

TEST_F(cacher_test, an_aws_failure_keeps_the_last_inventory_and_reports_staleness) {
  auto c = make();
  ASSERT_TRUE(c.refresh());
  api_.fail_describe(true);
  now_ += 60s;
  auto failed = c.refresh();
  ASSERT_FALSE(failed);
  now_ += 60s;
  ASSERT_FALSE(c.refresh());
  const auto status = c.status();
  EXPECT_TRUE(status.stale());
  EXPECT_NE(status.last_error.find("RequestLimitExceeded"), std::string::npos);
  EXPECT_EQ(status.consecutive_failures, 2);
  EXPECT_EQ(status.refreshed_at, t0);
  EXPECT_EQ(status.last_attempt, t0 + 120s);
  EXPECT_DOUBLE_EQ(c.age_seconds(), 120);
  ASSERT_NE(c.current(), nullptr);
  EXPECT_EQ(c.current()->size(), 3u);
  // Recovery clears the staleness and the age.
  api_.fail_describe(false);
  ASSERT_TRUE(c.refresh());
  EXPECT_FALSE(c.status().stale());
  EXPECT_EQ(c.status().consecutive_failures, 0);
  EXPECT_DOUBLE_EQ(c.age_seconds(), 0);
}

TEST_F(cacher_test, a_store_failure_keeps_the_last_inventory_in_memory_and_on_disk) {
  auto c = make();
  ASSERT_TRUE(c.refresh());
  api_.add(make_resource(resource_kind::ec2, "i-new", "running", "dev3"));
  store_->fail_writes = true;
  now_ += 60s;
  auto failed = c.refresh();
  ASSERT_FALSE(failed);
  EXPECT_NE(c.status().last_error.find("disk full"), std::string::npos);
  EXPECT_EQ(c.current()->envs.count("dev3"), 0u);
  EXPECT_DOUBLE_EQ(c.age_seconds(), 60);
  store_->fail_writes = false;
  ASSERT_TRUE(c.refresh());
  EXPECT_EQ(c.current()->envs.count("dev3"), 1u);
}

TEST_F(cacher_test, a_restarted_cacher_starts_from_the_stored_inventory) {
  {
    auto first = make();
    ASSERT_TRUE(first.refresh());
  }
  api_.fail_describe(true);
  now_ += 300s;
  auto second = make();
  ASSERT_TRUE(second.load());
  ASSERT_FALSE(second.refresh());
  ASSERT_NE(second.current(), nullptr);
  EXPECT_EQ(second.current()->size(), 3u);
  EXPECT_DOUBLE_EQ(second.age_seconds(), 300);
  EXPECT_TRUE(second.status().stale());
}

}  // namespace
}  // namespace devenv::inventory
