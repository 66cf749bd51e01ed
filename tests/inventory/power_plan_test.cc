#include "inventory/power_plan.h"

#include <gtest/gtest.h>

#include "inventory/fake_cloud_api.h"

namespace devenv::inventory {
namespace {

using env::resource_outcome;
using testing::make_resource;

std::vector<resource> mixed() {
  return {
      make_resource(resource_kind::rds_cluster, "aurora", "available", "dev1"),
      make_resource(resource_kind::rds_instance, "pg", "available", "dev1"),
      make_resource(resource_kind::ec2, "i-run", "running", "dev1"),
      make_resource(resource_kind::ec2, "i-stopped", "stopped", "dev1"),
      make_resource(resource_kind::ec2, "i-dead", "terminated", "dev1"),
  };
}

std::string render(const std::vector<power_step>& steps) {
  std::string out;
  for (const auto& s : steps) {
    out +=
        s.target.id +
        (s.act ? "=act" : "=" + std::string(env::resource_outcome::failed == s.outcome ? "failed" : "skip"));
    out += " ";
  }
  return out;
}

TEST(plan_power, stop_goes_ec2_then_rds_and_skips_what_is_done) {
  const auto steps = plan_power(power_action::stop, mixed());
  EXPECT_EQ(render(steps), "i-run=act i-stopped=skip i-dead=failed pg=act aurora=act ");
  EXPECT_EQ(steps[1].reason, "already stopped");
  EXPECT_EQ(steps[2].reason, "terminated: it cannot be stopped");
}

TEST(plan_power, start_goes_rds_then_ec2) {
  const auto steps = plan_power(power_action::start, mixed());
  EXPECT_EQ(render(steps), "aurora=skip pg=skip i-run=skip i-stopped=act i-dead=failed ");
  auto stopped = mixed();
  for (auto& r : stopped) {
    if (r.kind != resource_kind::ec2) r.state = "stopped";
  }
  EXPECT_EQ(render(plan_power(power_action::start, stopped)),
            "aurora=act pg=act i-run=skip i-stopped=act i-dead=failed ");
}

TEST(plan_power, transitional_states_count_as_done_in_their_direction) {
  const std::vector<resource> moving = {make_resource(resource_kind::ec2, "i-pending", "pending", "dev1"),
                                        make_resource(resource_kind::ec2, "i-stopping", "stopping", "dev1")};
  EXPECT_EQ(render(plan_power(power_action::stop, moving)), "i-pending=act i-stopping=skip ");
  EXPECT_EQ(render(plan_power(power_action::start, moving)), "i-pending=skip i-stopping=act ");
}

TEST(plan_rds_guard, stops_available_databases_of_stopped_environments_only) {
  environments envs;
  envs["dev1"] = {make_resource(resource_kind::ec2, "i-1", "running", "dev1"),
                  make_resource(resource_kind::rds_instance, "pg-back", "available", "dev1"),
                  make_resource(resource_kind::rds_instance, "pg-starting", "starting", "dev1"),
                  make_resource(resource_kind::rds_cluster, "aurora-back", "available", "dev1"),
                  make_resource(resource_kind::rds_instance, "pg-asleep", "stopped", "dev1")};
  envs["dev2"] = {make_resource(resource_kind::rds_instance, "pg-dev2", "available", "dev2")};
  std::vector<std::string> ids;
  for (const auto& r : plan_rds_guard(envs, {"dev1"})) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"pg-back", "aurora-back"}));
  EXPECT_TRUE(plan_rds_guard(envs, {}).empty());
}

}  // namespace
}  // namespace devenv::inventory
