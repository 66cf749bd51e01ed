// run_requested_action: the one sequence REST and Slack use for a person's start/stop — the action on the
// environment (in-memory workload store), then for a start that woke something outside working hours the
// environment's own shutdown (cronjob_manager over the fake CronJob store).
#include "schedule/requested_action.h"

#include <gtest/gtest.h>

#include "core/rfc3339.h"
#include "env/testing/fake_workload_store.h"
#include "schedule/fake_cronjob_store.h"
#include "schedule/test_time.h"

namespace devenv::schedule {
namespace {

using devenv::testing::wall;
using namespace std::chrono_literals;
using env::env_action;
using env::workload_kind;

constexpr const char* berlin = "Europe/Berlin";
const auto saturday_10 = wall(berlin, 2026, 11, 28, 10, 0);
const auto friday_10 = wall(berlin, 2026, 11, 27, 10, 0);
const env::action_origin alice{"@alice", "slack"};

class requested_action_test : public ::testing::Test {
 protected:
  requested_action_test() {
    workloads_.add_namespace("dev1");
    workloads_.add_workload("dev1", workload_kind::deployment, "web", 3);
    workloads_.add_workload("dev1", workload_kind::statefulset, "db", 1);
    cronjobs_.add_namespace("dev1");
  }

  static schedule_settings settings() {
    schedule_input in;
    in.timezone = berlin;
    schedule_settings s;
    s.schedule = *make_schedule_config(in);
    return s;
  }

  static manager_options options() {
    manager_options o;
    o.protection = env::protection_policy(env::protection_policy::default_globs(), "devenv-scaler");
    return o;
  }

  static env::service_options service_options() {
    env::service_options o;
    o.own_namespace = "devenv-scaler";
    return o;
  }

  void stop_dev1() {
    auto stopped = run_requested_action(environments_, &manager_, env_action::stop, "dev1", alice, saturday_10);
    ASSERT_TRUE(stopped) << stopped.error().message;
    ASSERT_EQ(workloads_.replicas("dev1", workload_kind::deployment, "web"), 0);
  }

  std::string cronjob_schedule() {
    const auto cj = cronjobs_.cronjob("dev1");
    return cj ? (*cj)["spec"]["schedule"].get<std::string>() : std::string("<no CronJob>");
  }

  env::testing::fake_workload_store workloads_;
  env::environment_service environments_{workloads_, [] { return saturday_10; }, service_options()};
  testing::fake_cronjob_store cronjobs_;
  cronjob_manager manager_{cronjobs_, settings(), options()};
};

TEST_F(requested_action_test, StartOnASaturdayWakesTheEnvironmentAndGivesItItsOwnShutdown) {
  stop_dev1();
  EXPECT_EQ(cronjob_schedule(), "<no CronJob>") << "a stop schedules nothing";

  auto started = run_requested_action(environments_, &manager_, env_action::start, "dev1", alice, saturday_10);
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_EQ(started->report.ok, 2);
  EXPECT_EQ(workloads_.replicas("dev1", workload_kind::deployment, "web"), 3);
  EXPECT_EQ(workloads_.replicas("dev1", workload_kind::statefulset, "db"), 1);
  ASSERT_TRUE(started->after_hours_shutdown);
  EXPECT_FALSE(started->after_hours_problem);
  EXPECT_EQ(started->after_hours_shutdown->shutdown.at, saturday_10 + 2h);
  EXPECT_EQ(cronjob_schedule(), "0 12 28 11 *");
}

TEST_F(requested_action_test, NoOwnShutdownInWorkingHoursOrWhenNothingWasWoken) {
  stop_dev1();
  auto weekday = run_requested_action(environments_, &manager_, env_action::start, "dev1", alice, friday_10);
  ASSERT_TRUE(weekday) << weekday.error().message;
  EXPECT_EQ(weekday->report.ok, 2);
  EXPECT_FALSE(weekday->after_hours_shutdown);
  EXPECT_EQ(cronjob_schedule(), "<no CronJob>");

  // Already running: the start changes nothing, so it must not move anyone's shutdown either.
  auto again = run_requested_action(environments_, &manager_, env_action::start, "dev1", alice, saturday_10);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->report.ok, 0);
  EXPECT_FALSE(again->after_hours_shutdown);
  EXPECT_EQ(cronjob_schedule(), "<no CronJob>");
}

TEST_F(requested_action_test, AFailedShutdownWriteIsReportedBesideTheStartThatHappened) {
  stop_dev1();
  cronjobs_.unavailable_on_patch = 100;
  auto started = run_requested_action(environments_, &manager_, env_action::start, "dev1", alice, saturday_10);
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_EQ(started->report.ok, 2);
  EXPECT_EQ(workloads_.replicas("dev1", workload_kind::deployment, "web"), 3);
  EXPECT_FALSE(started->after_hours_shutdown);
  ASSERT_TRUE(started->after_hours_problem);
  EXPECT_NE(started->after_hours_problem->find("503"), std::string::npos) << *started->after_hours_problem;
}

TEST_F(requested_action_test, WithoutSchedulingTheActionRunsAlone) {
  stop_dev1();
  auto started = run_requested_action(environments_, nullptr, env_action::start, "dev1", alice, saturday_10);
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_EQ(started->report.ok, 2);
  EXPECT_FALSE(started->after_hours_shutdown);
  EXPECT_FALSE(started->after_hours_problem);
}

TEST_F(requested_action_test, AnActionErrorChangesNothing) {
  for (const std::string name : {"Not_A_Name", "kube-system", "absent"}) {
    auto r = run_requested_action(environments_, &manager_, env_action::start, name, alice, saturday_10);
    EXPECT_FALSE(r) << name;
  }
  EXPECT_EQ(cronjob_schedule(), "<no CronJob>");
  EXPECT_EQ(workloads_.replicas("dev1", workload_kind::deployment, "web"), 3);
}

}  // namespace
}  // namespace devenv::schedule
