#include "inventory/resource.h"

#include <gtest/gtest.h>

#include "inventory/fake_cloud_api.h"

namespace devenv::inventory {
namespace {

using testing::make_resource;

TEST(group_by_environment, keeps_tagged_resources_grouped_and_sorted) {
  auto untagged = make_resource(resource_kind::ec2, "i-untagged", "running", "");
  auto disabled = make_resource(resource_kind::ec2, "i-disabled", "running", "dev1");
  disabled.tags["scheduler"] = "disabled";
  auto empty_ns = make_resource(resource_kind::ec2, "i-empty", "running", "dev1");
  empty_ns.tags["namespace"] = "";
  std::vector<resource> all = {
      make_resource(resource_kind::rds_cluster, "aurora-1", "available", "dev1", "aurora-postgresql"),
      make_resource(resource_kind::rds_instance, "aurora-1-a", "available", "dev1", "db.r6g.large",
                    "aurora-1"),
      make_resource(resource_kind::rds_instance, "pg-1", "available", "dev1", "db.t3.micro"),
      make_resource(resource_kind::ec2, "i-2", "running", "dev1"),
      make_resource(resource_kind::ec2, "i-1", "stopped", "dev1"),
      make_resource(resource_kind::ec2, "i-1", "stopped", "dev1"),  // seen twice across pages
      make_resource(resource_kind::ec2, "i-3", "running", "dev2"),
      untagged,
      disabled,
      empty_ns,
  };
  const auto envs = group_by_environment(all, tag_keys{});
  ASSERT_EQ(envs.size(), 2u);
  std::vector<std::string> ids;
  for (const auto& r : envs.at("dev1")) ids.push_back(std::string(to_string(r.kind)) + ":" + r.id);
  EXPECT_EQ(ids,
            (std::vector<std::string>{"ec2:i-1", "ec2:i-2", "rds-instance:pg-1", "rds-cluster:aurora-1"}));
  ASSERT_EQ(envs.at("dev2").size(), 1u);
  EXPECT_EQ(envs.at("dev2")[0].id, "i-3");
}

TEST(group_by_environment, honours_configured_tag_keys) {
  auto r = make_resource(resource_kind::ec2, "i-1", "running", "");
  r.tags = {{"env", "dev7"}, {"autostop", "yes"}};
  const auto envs = group_by_environment({r}, tag_keys{"env", "autostop", "yes"});
  ASSERT_EQ(envs.count("dev7"), 1u);
  EXPECT_TRUE(group_by_environment({r}, tag_keys{}).empty());
}

TEST(classify, reads_ec2_and_rds_states) {
  struct row {
    resource_kind kind;
    std::string state;
    power expected;
  };
  const std::vector<row> rows = {
      {resource_kind::ec2, "running", power::running},
      {resource_kind::ec2, "stopped", power::stopped},
      {resource_kind::ec2, "pending", power::starting},
      {resource_kind::ec2, "stopping", power::stopping},
      {resource_kind::ec2, "terminated", power::gone},
      {resource_kind::ec2, "shutting-down", power::gone},
      {resource_kind::ec2, "available", power::other},
      {resource_kind::rds_instance, "available", power::running},
      {resource_kind::rds_instance, "stopped", power::stopped},
      {resource_kind::rds_cluster, "starting", power::starting},
      {resource_kind::rds_cluster, "stopping", power::stopping},
      {resource_kind::rds_instance, "deleting", power::gone},
      {resource_kind::rds_instance, "backing-up", power::other},
      {resource_kind::rds_instance, "running", power::other},
  };
  for (const auto& r : rows)
    EXPECT_EQ(classify(r.kind, r.state), r.expected) << to_string(r.kind) << " " << r.state;
}

TEST(resource_kind, round_trips_its_names) {
  for (auto kind : {resource_kind::ec2, resource_kind::rds_instance, resource_kind::rds_cluster}) {
    EXPECT_EQ(parse_resource_kind(to_string(kind)), kind);
  }
  EXPECT_FALSE(parse_resource_kind("s3"));
}

}  // namespace
}  // namespace devenv::inventory
