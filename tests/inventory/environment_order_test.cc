// The executor with external resources: stop = workloads, then EC2/RDS; start = EC2/RDS, then workloads;
// their items are counted and reported; without external resources nothing changes.
#include <gtest/gtest.h>

#include <mutex>

#include "env/environment_service.h"
#include "env/testing/fake_workload_store.h"
#include "inventory/cloud_resources.h"
#include "inventory/fake_cloud_api.h"
#include "inventory/sqlite_store.h"

namespace devenv::inventory {
namespace {

using namespace std::chrono_literals;
using env::env_action;
using env::workload_kind;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h;

// Records, in one sequence, every workload PATCH and every call to the external resources.
class journal {
 public:
  void add(std::string entry) {
    std::lock_guard lock(mutex_);
    entries_.push_back(std::move(entry));
  }
  std::vector<std::string> entries() const {
    std::lock_guard lock(mutex_);
    return entries_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> entries_;
};

class recording_resources : public env::external_resources {
 public:
  recording_resources(env::external_resources& inner, journal& j) : inner_(inner), journal_(j) {}
  std::vector<env::resource_item> stop(std::string_view ns) override {
    journal_.add("aws stop " + std::string(ns));
    return inner_.stop(ns);
  }
  std::vector<env::resource_item> start(std::string_view ns) override {
    journal_.add("aws start " + std::string(ns));
    return inner_.start(ns);
  }
  env::external_status describe(std::string_view ns) override { return inner_.describe(ns); }

 private:
  env::external_resources& inner_;
  journal& journal_;
};

class order_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = sqlite_store::open(":memory:");
    ASSERT_TRUE(opened);
    sqlite_ = std::move(*opened);
    cache_ = std::make_unique<cacher>(api_, *sqlite_, tag_keys{}, [] { return t0; });
    cloud_ = std::make_unique<cloud_resources>(
        api_, *cache_, wait_options{}, [] { return t0; }, [](std::chrono::milliseconds) {});
    recording_ = std::make_unique<recording_resources>(*cloud_, journal_);
    store_.add_namespace("dev1");
    store_.add_workload("dev1", workload_kind::deployment, "web", 2);
    store_.add_workload("dev1", workload_kind::statefulset, "db", 1);
    store_.on_patch([this](workload_kind, const std::string& name) { journal_.add("patch " + name); });
    api_.add(testing::make_resource(resource_kind::ec2, "i-1", "running", "dev1"));
    api_.add(testing::make_resource(resource_kind::rds_instance, "pg", "available", "dev1"));
  }

  env::environment_service make(bool with_aws) {
    env::service_options options;
    options.own_namespace = "devenv-scaler";
    options.max_concurrency = 1;
    if (with_aws) options.external = recording_.get();
    return env::environment_service(
        store_, [] { return t0; }, options);
  }

  // The journal with the AWS calls the fake saw, merged at the point the adapter was entered.
  std::vector<std::string> sequence() const {
    std::vector<std::string> out;
    for (const auto& e : journal_.entries()) {
      out.push_back(e);
      if (e.rfind("aws ", 0) == 0) {
        for (const auto& c : api_.calls()) {
          if (c.rfind("describe", 0) != 0 && c.find(e.substr(4, e.find(' ', 4) - 4)) == 0) out.push_back(c);
        }
      }
    }
    return out;
  }

  env::testing::fake_workload_store store_;
  testing::fake_cloud_api api_;
  std::unique_ptr<sqlite_store> sqlite_;
  std::unique_ptr<cacher> cache_;
  std::unique_ptr<cloud_resources> cloud_;
  journal journal_;
  std::unique_ptr<recording_resources> recording_;
};

TEST_F(order_test, stop_scales_workloads_first_then_ec2_then_rds) {
  auto service = make(true);
  auto report = service.stop("dev1", {"@alice", "slack"});
  ASSERT_TRUE(report) << report.error().message;
  const auto seq = sequence();
  ASSERT_EQ(seq.size(), 5u);
  EXPECT_EQ(seq[0].rfind("patch ", 0), 0u);
  EXPECT_EQ(seq[1].rfind("patch ", 0), 0u);
  EXPECT_EQ(seq[2], "aws stop dev1");
  EXPECT_EQ(seq[3], "stop ec2 i-1");
  EXPECT_EQ(seq[4], "stop rds-instance pg");
  EXPECT_EQ(report->ok, 4);  // two workloads, one instance, one database
  EXPECT_EQ(report->failed, 0);
  ASSERT_EQ(report->resources.size(), 2u);
  EXPECT_EQ(report->resources[0].id, "i-1");
  EXPECT_EQ(report->resources[1].id, "pg");
}

TEST_F(order_test, start_brings_rds_then_ec2_up_before_the_workloads) {
  auto service = make(true);
  ASSERT_TRUE(service.stop("dev1", {"@alice", "slack"}));
  api_.settle();
  const auto before = journal_.entries().size();
  auto report = service.start("dev1", {"@alice", "slack"});
  ASSERT_TRUE(report) << report.error().message;
  const auto entries = journal_.entries();
  ASSERT_EQ(entries.size(), before + 3);
  EXPECT_EQ(entries[before], "aws start dev1");
  EXPECT_EQ(entries[before + 1].rfind("patch ", 0), 0u);
  EXPECT_EQ(entries[before + 2].rfind("patch ", 0), 0u);
  const auto calls = api_.calls();
  std::vector<std::string> starts;
  for (const auto& c : calls) {
    if (c.rfind("start", 0) == 0) starts.push_back(c);
  }
  EXPECT_EQ(starts, (std::vector<std::string>{"start rds-instance pg", "start ec2 i-1"}));
  EXPECT_EQ(report->ok, 4);
}

TEST_F(order_test, a_failed_resource_makes_the_operation_partial_but_not_an_error) {
  api_.fail_id("i-1");
  auto service = make(true);
  auto report = service.stop("dev1", {"@alice", "rest"});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->failed, 1);
  EXPECT_EQ(report->ok, 3);
  EXPECT_FALSE(report->succeeded());
  EXPECT_EQ(store_.replicas("dev1", workload_kind::deployment, "web"), 0);
  EXPECT_EQ(api_.state(resource_kind::rds_instance, "pg"), "stopping");
}

TEST_F(order_test, without_aws_only_workloads_move) {
  auto service = make(false);
  auto report = service.stop("dev1", {"@alice", "rest"});
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->resources.empty());
  EXPECT_EQ(report->ok, 2);
  EXPECT_TRUE(api_.calls().empty());
  auto status = service.status("dev1");
  ASSERT_TRUE(status);
  EXPECT_FALSE(status->external);
}

TEST_F(order_test, status_carries_the_inventory) {
  ASSERT_TRUE(cache_->refresh());
  auto service = make(true);
  auto status = service.status("dev1");
  ASSERT_TRUE(status);
  ASSERT_TRUE(status->external);
  ASSERT_EQ(status->external->resources.size(), 2u);
  EXPECT_EQ(status->external->resources[1].kind, "rds-instance");
  EXPECT_EQ(status->external->age, 0s);
}

TEST_F(order_test, a_missing_namespace_touches_no_aws_resource) {
  auto service = make(true);
  auto report = service.stop("dev9", {"@alice", "rest"});
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, errc::not_found);
  EXPECT_TRUE(journal_.entries().empty());
}

}  // namespace
}  // namespace devenv::inventory
