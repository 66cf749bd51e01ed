#include "inventory/refresh_loop.h"

#include <gtest/gtest.h>

#include "inventory/fake_cloud_api.h"
#include "inventory/sqlite_store.h"

namespace devenv::inventory {
namespace {

using namespace std::chrono_literals;
using testing::fake_cloud_api;
using testing::make_resource;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h;

class refresh_loop_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = sqlite_store::open(":memory:");
    ASSERT_TRUE(opened);
    store_ = std::move(*opened);
    cache_ = std::make_unique<cacher>(api_, *store_, tag_keys{}, [this] { return now_; });
    resources_ = std::make_unique<cloud_resources>(
        api_, *cache_, wait_options{}, [this] { return now_; }, [](std::chrono::milliseconds) {});
    api_.add(make_resource(resource_kind::ec2, "i-1", "stopped", "dev1"));
    api_.add(make_resource(resource_kind::rds_instance, "pg-1", "available", "dev1"));  // restarted by RDS
    api_.add(make_resource(resource_kind::rds_cluster, "aurora-1", "stopped", "dev1"));
    api_.add(make_resource(resource_kind::rds_instance, "pg-2", "available", "dev2"));  // dev2 is running
  }

  // Runs the loop for `rounds` iterations of fake time.
  std::vector<std::vector<guarded_database>> run(int rounds, bool with_guard = true) {
    std::vector<std::vector<guarded_database>> guarded;
    refresh_loop_options options;
    options.period = 60s;
    options.guard_period = 120s;
    options.now = [this] { return now_; };
    int left = rounds;
    options.sleep_until = [&](time_point until, const std::atomic<bool>&) {
      now_ = std::max(now_, until);
      if (--left == 0) stop_ = true;
    };
    if (with_guard) {
      options.stopped_environments = [] {
        return result<std::set<std::string>>(std::set<std::string>{"dev1"});
      };
      options.record_event = [this](std::string_view ns, const env::event_record& event) -> result<void> {
        events_.emplace_back(std::string(ns), event);
        if (fail_events_) return fail(errc::unavailable, "kube-apiserver unavailable");
        return {};
      };
      options.on_guard = [&](const std::vector<guarded_database>& items) { guarded.push_back(items); };
    }
    run_refresh_loop(*cache_, resources_.get(), options, stop_);
    return guarded;
  }

  fake_cloud_api api_;
  std::unique_ptr<sqlite_store> store_;
  std::unique_ptr<cacher> cache_;
  std::unique_ptr<cloud_resources> resources_;
  time_point now_ = t0;
  std::atomic<bool> stop_{false};
  std::vector<std::pair<std::string, env::event_record>> events_;
  bool fail_events_ = false;
};

TEST_F(refresh_loop_test, refreshes_every_period_and_stops_restarted_databases_of_stopped_environments) {
  const auto guarded = run(4);
  int describes = 0;
  for (const auto& c : api_.calls()) describes += c.rfind("describe", 0) == 0;
  EXPECT_EQ(describes, 4);           // refreshed at once and after every period
  ASSERT_EQ(guarded.size(), 2u);     // guard at 0 s and 120 s
  ASSERT_EQ(guarded[0].size(), 1u);  // only dev1's available database
  EXPECT_EQ(guarded[0][0].environment, "dev1");
  EXPECT_EQ(guarded[0][0].item.id, "pg-1");
  EXPECT_EQ(guarded[0][0].item.from_state, "available");
  EXPECT_EQ(guarded[0][0].item.outcome, env::resource_outcome::ok);
  // One Event, on dev1's namespace, at the time of the round.
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].first, "dev1");
  EXPECT_EQ(events_[0].second.reason, "DatabaseRestopped");
  EXPECT_EQ(events_[0].second.type, env::event_type::normal);
  EXPECT_NE(events_[0].second.message.find("pg-1"), std::string::npos) << events_[0].second.message;
  EXPECT_EQ(events_[0].second.time, t0);
  EXPECT_EQ(api_.state(resource_kind::rds_instance, "pg-1"), "stopping");
  EXPECT_EQ(api_.state(resource_kind::rds_instance, "pg-2"), "available");
  EXPECT_EQ(api_.state(resource_kind::ec2, "i-1"), "stopped");
  EXPECT_TRUE(guarded[1].empty());  // stopping now: nothing to do
  EXPECT_EQ(now_, t0 + 240s);
}

TEST_F(refresh_loop_test, a_database_that_cannot_be_stopped_again_is_a_warning_event) {
  api_.fail_id("pg-1");
  const auto guarded = run(1);
  ASSERT_EQ(guarded.size(), 1u);
  ASSERT_EQ(guarded[0].size(), 1u);
  EXPECT_EQ(guarded[0][0].item.outcome, env::resource_outcome::failed);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].first, "dev1");
  EXPECT_EQ(events_[0].second.reason, "DatabaseRestopFailed");
  EXPECT_EQ(events_[0].second.type, env::event_type::warning);
  EXPECT_NE(events_[0].second.message.find("InvalidInstanceID.NotFound"), std::string::npos)
      << events_[0].second.message;
}

TEST_F(refresh_loop_test, an_event_that_cannot_be_written_does_not_stop_the_guard) {
  fail_events_ = true;
  const auto guarded = run(3);
  ASSERT_EQ(guarded.size(), 2u);
  ASSERT_EQ(guarded[0].size(), 1u);
  EXPECT_EQ(guarded[0][0].item.outcome, env::resource_outcome::ok);
  EXPECT_EQ(events_.size(), 1u);  // attempted once, for the one database acted on
  EXPECT_EQ(api_.state(resource_kind::rds_instance, "pg-1"), "stopping");
}

TEST_F(refresh_loop_test, a_failing_aws_never_ends_the_loop) {
  api_.fail_describe(true);
  const auto guarded = run(3);
  int describes = 0;
  for (const auto& c : api_.calls()) describes += c.rfind("describe", 0) == 0;
  EXPECT_EQ(describes, 3);
  EXPECT_TRUE(cache_->status().stale());
  ASSERT_FALSE(guarded.empty());
  EXPECT_TRUE(guarded[0].empty());  // no inventory yet: the guard has nothing to act on
}

TEST_F(refresh_loop_test, a_standalone_cacher_only_refreshes) {
  run(2, false);
  for (const auto& c : api_.calls()) EXPECT_EQ(c.rfind("describe", 0), 0u) << c;
  EXPECT_EQ(api_.state(resource_kind::rds_instance, "pg-1"), "available");
}

}  // namespace
}  // namespace devenv::inventory
