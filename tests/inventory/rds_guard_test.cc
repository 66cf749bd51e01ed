// The RDS guard's scope and records: it acts only on environments whose stop has completed (recorded on the
// namespace, not merely workloads at 0), so it never stops a database while the stop that will stop it is
// still stopping EC2; and each database it acts on becomes an Event on its environment's namespace.
#include "inventory/rds_guard.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "env/testing/fake_workload_store.h"
#include "inventory/cloud_resources.h"
#include "inventory/fake_cloud_api.h"
#include "inventory/refresh_loop.h"
#include "inventory/sqlite_store.h"

namespace devenv::inventory {
namespace {

using namespace std::chrono_literals;
using env::env_state;
using env::workload_kind;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h;

env::environment_summary summary(std::string ns, env_state state, std::string recorded,
                                 std::string error = {}) {
  env::environment_summary s;
  s.ns = std::move(ns);
  s.state = state;
  s.recorded_state = std::move(recorded);
  s.error = std::move(error);
  return s;
}

TEST(completed_stops, only_environments_recorded_and_observed_stopped) {
  struct row {
    const char* what;
    env::environment_summary env;
    bool acted_on;
  };
  const std::vector<row> rows = {
      {"stop completed", summary("a", env_state::stopped, "stopped"), true},
      {"stop in progress: workloads at 0, not recorded yet", summary("b", env_state::stopped, "running"),
       false},
      {"never stopped, no workloads wanted", summary("c", env_state::stopped, ""), false},
      {"recorded stopped, started by hand", summary("d", env_state::running, "stopped"), false},
      {"recorded stopped, pods still going away", summary("e", env_state::partly_running, "stopped"), false},
      {"recorded stopped, a start scaling up", summary("f", env_state::starting, "stopped"), false},
      {"unreadable", summary("g", env_state::stopped, "stopped", "forbidden"), false},
      {"hand-written state", summary("h", env_state::stopped, "Stopped"), false},
  };
  std::vector<env::environment_summary> all;
  for (const auto& r : rows) all.push_back(r.env);
  const auto stopped = completed_stops(all);
  for (const auto& r : rows) EXPECT_EQ(stopped.count(r.env.ns) == 1, r.acted_on) << r.what;
}

TEST(guard_event, names_the_database_and_what_was_done) {
  guarded_database ok{"dev1",
                      {"rds-instance", "pg-1", "db.t3.micro", "available", "stopping",
                       env::resource_outcome::ok, "stop requested"}};
  const auto event = guard_event(ok, t0);
  EXPECT_EQ(event.reason, "DatabaseRestopped");
  EXPECT_EQ(event.type, env::event_type::normal);
  EXPECT_EQ(event.time, t0);
  EXPECT_EQ(event.message,
            "rds-instance pg-1 was available while dev1 is stopped (RDS starts a database again after 7 days "
            "stopped); stopped it again");

  guarded_database failed{"dev1",
                          {"rds-cluster", "aurora-1", "aurora-postgresql", "available", "",
                           env::resource_outcome::failed, "InvalidDBClusterStateFault: busy"}};
  const auto warning = guard_event(failed, t0);
  EXPECT_EQ(warning.reason, "DatabaseRestopFailed");
  EXPECT_EQ(warning.type, env::event_type::warning);
  EXPECT_NE(warning.message.find("aurora-1"), std::string::npos) << warning.message;
  EXPECT_NE(warning.message.find("stopping it again failed: InvalidDBClusterStateFault: busy"),
            std::string::npos)
      << warning.message;
}

// An external_resources whose stop (or start) waits at its door until released, so a test can look at the
// world while a stop is half done (workloads at 0, EC2 and RDS not yet), or while a start waits for RDS.
class held_resources : public env::external_resources {
 public:
  explicit held_resources(env::external_resources& inner, env::env_action held = env::env_action::stop)
      : inner_(inner), held_(held) {}
  std::vector<env::resource_item> stop(std::string_view ns) override {
    if (held_ == env::env_action::stop) hold();
    return inner_.stop(ns);
  }
  std::vector<env::resource_item> start(std::string_view ns) override {
    if (held_ == env::env_action::start) hold();
    return inner_.start(ns);
  }
  env::external_status describe(std::string_view ns) override { return inner_.describe(ns); }

  std::future<void> entered() { return entered_.get_future(); }
  void release() { release_.set_value(); }

 private:
  void hold() {
    entered_.set_value();
    release_.get_future().wait();
  }

  env::external_resources& inner_;
  env::env_action held_;
  std::promise<void> entered_;
  std::promise<void> release_;
};

class guard_scope_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = sqlite_store::open(":memory:");
    ASSERT_TRUE(opened);
    sqlite_ = std::move(*opened);
    cache_ = std::make_unique<cacher>(api_, *sqlite_, tag_keys{}, [] { return t0; });
    cloud_ = std::make_unique<cloud_resources>(
        api_, *cache_, wait_options{}, [] { return t0; }, [](std::chrono::milliseconds) {});
    held_ = std::make_unique<held_resources>(*cloud_);
    store_.add_namespace("dev1");
    store_.add_workload("dev1", workload_kind::deployment, "web", 2);
    api_.add(testing::make_resource(resource_kind::ec2, "i-1", "running", "dev1"));
    api_.add(testing::make_resource(resource_kind::rds_instance, "pg", "available", "dev1"));
  }

  // An environment service over the fake store acting on EC2/RDS through `external`.
  std::unique_ptr<env::environment_service> make_service(env::external_resources* external) {
    env::service_options options;
    options.own_namespace = "devenv-scaler";
    options.external = external;
    return std::make_unique<env::environment_service>(
        store_, [] { return t0; }, options);
  }

  std::string recorded_state() const {
    return store_.namespace_object("dev1")["metadata"]["annotations"].value("devenv-scaler/state", "");
  }

  // One guard round as the leader runs it: the environments from the service, the inventory refreshed.
  std::vector<guarded_database> guard_round(env::environment_service& service) {
    EXPECT_TRUE(cache_->refresh());
    auto listed = service.list();
    EXPECT_TRUE(listed) << listed.error().message;
    return guard_databases(*cache_, *cloud_, completed_stops(*listed));
  }

  std::vector<std::string> aws_actions() const {
    std::vector<std::string> out;
    for (const auto& c : api_.calls()) {
      if (c.rfind("describe", 0) != 0) out.push_back(c);
    }
    return out;
  }

  env::testing::fake_workload_store store_;
  testing::fake_cloud_api api_;
  std::unique_ptr<sqlite_store> sqlite_;
  std::unique_ptr<cacher> cache_;
  std::unique_ptr<cloud_resources> cloud_;
  std::unique_ptr<held_resources> held_;
};

TEST_F(guard_scope_test, leaves_an_environment_alone_while_its_stop_runs_and_acts_once_it_completed) {
  auto owned = make_service(held_.get());
  auto& service = *owned;

  auto entered = held_->entered();
  auto stopping = std::async(std::launch::async, [&] { return service.stop("dev1", {"@alice", "slack"}); });
  ASSERT_EQ(entered.wait_for(30s), std::future_status::ready) << "the stop never reached EC2/RDS";

  // Half-way: the workloads are at 0 (observed stopped), the database is still available, EC2 not stopped.
  auto listed = service.list();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].state, env_state::stopped) << "workloads at 0 alone would have let the guard in";
  EXPECT_TRUE(guard_round(service).empty());
  EXPECT_TRUE(aws_actions().empty()) << "the guard stopped something while the stop was running";

  held_->release();
  auto report = stopping.get();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(aws_actions(), (std::vector<std::string>{"stop ec2 i-1", "stop rds-instance pg"}));

  // The stop completed and was recorded; RDS now starts the database by itself (day 7): the guard acts.
  api_.add(testing::make_resource(resource_kind::rds_instance, "pg", "available", "dev1"));
  const auto guarded = guard_round(service);
  ASSERT_EQ(guarded.size(), 1u);
  EXPECT_EQ(guarded[0].environment, "dev1");
  EXPECT_EQ(guarded[0].item.id, "pg");
  EXPECT_EQ(guarded[0].item.outcome, env::resource_outcome::ok);
  EXPECT_EQ(aws_actions().back(), "stop rds-instance pg");
}

// A start brings the databases up first and may wait minutes for RDS; the namespace still looks stopped (the
// workloads come last), so it is marked "starting" meanwhile and the guard keeps out.
TEST_F(guard_scope_test, leaves_an_environment_alone_while_its_start_brings_the_database_up) {
  auto owned = make_service(cloud_.get());
  auto& service = *owned;
  ASSERT_TRUE(service.stop("dev1", {"@alice", "slack"}));
  held_resources held_start(*cloud_, env::env_action::start);
  auto starter = make_service(&held_start);

  auto entered = held_start.entered();
  auto starting = std::async(std::launch::async, [&] { return starter->start("dev1", {"@bob", "slack"}); });
  ASSERT_EQ(entered.wait_for(30s), std::future_status::ready) << "the start never reached EC2/RDS";
  // What the guard sees half-way: workloads still at 0, the database coming up (as if RDS were starting it).
  EXPECT_EQ(recorded_state(), "starting");
  api_.add(testing::make_resource(resource_kind::rds_instance, "pg", "available", "dev1"));
  const auto before = aws_actions().size();
  EXPECT_TRUE(guard_round(service).empty());
  EXPECT_EQ(aws_actions().size(), before) << "the guard stopped the database a start was bringing up";

  held_start.release();
  auto report = starting.get();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(recorded_state(), "running");
}

// A start that changed nothing (every item failed) puts back the state it found instead of "starting".
TEST_F(guard_scope_test, a_start_that_changed_nothing_leaves_the_state_it_found) {
  auto owned = make_service(cloud_.get());
  auto& service = *owned;
  ASSERT_TRUE(service.stop("dev1", {"@alice", "slack"}));
  store_.fail_always("web", errc::unavailable);
  api_.fail_id("i-1");
  api_.fail_id("pg");
  auto report = service.start("dev1", {"@bob", "slack"});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->ok, 0);
  EXPECT_GT(report->failed, 0);
  EXPECT_EQ(recorded_state(), "stopped");
  EXPECT_EQ(completed_stops(*service.list()), std::set<std::string>{"dev1"});
}

TEST_F(guard_scope_test, leaves_an_environment_alone_after_a_start) {
  auto owned = make_service(cloud_.get());
  auto& service = *owned;
  ASSERT_TRUE(service.stop("dev1", {"@alice", "slack"}));
  ASSERT_TRUE(service.start("dev1", {"@alice", "slack"}));
  api_.settle();  // the database is available again because it was started on purpose
  const auto before = aws_actions().size();
  EXPECT_TRUE(guard_round(service).empty());
  EXPECT_EQ(aws_actions().size(), before);
}

}  // namespace
}  // namespace devenv::inventory
