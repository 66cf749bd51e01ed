#include "inventory/aws_cloud_api.h"

#include <gtest/gtest.h>

namespace devenv::inventory {
namespace {

TEST(aws_cloud_api, converts_instances_databases_and_clusters) {
  aws::ec2_instance i{"i-1",
                      "t3.micro",
                      "running",
                      "2026-11-27T08:00:00Z",
                      {{"namespace", "dev1"}, {"scheduler", "enabled"}}};
  const auto ec2 = from_ec2(i);
  EXPECT_EQ(ec2.kind, resource_kind::ec2);
  EXPECT_EQ(ec2.id, "i-1");
  EXPECT_EQ(ec2.type, "t3.micro");
  EXPECT_EQ(ec2.state, "running");
  EXPECT_EQ(ec2.tags.at("namespace"), "dev1");

  aws::db_instance member{"aurora-a", "arn:a", "db.r6g.large", "aurora-postgresql", "available",
                          "aurora",   {}};
  const auto m = from_db_instance(member);
  EXPECT_EQ(m.kind, resource_kind::rds_instance);
  EXPECT_EQ(m.type, "db.r6g.large");
  EXPECT_EQ(m.cluster_id, "aurora");

  aws::db_cluster cluster{"aurora",  "arn:c",      "aurora-postgresql",
                          "stopped", {"aurora-a"}, {{"namespace", "dev1"}}};
  const auto c = from_db_cluster(cluster);
  EXPECT_EQ(c.kind, resource_kind::rds_cluster);
  EXPECT_EQ(c.type, "aurora-postgresql");
  EXPECT_EQ(c.state, "stopped");
}

TEST(aws_cloud_api, reports_every_item_of_a_batch) {
  aws::batch_result batch;
  batch.done = {{"i-1", "running", "stopping", false}, {"i-2", "stopped", "stopped", true}};
  aws::api_error bad;
  bad.code = "InvalidInstanceID.NotFound";
  bad.message = "The instance ID 'i-3' does not exist";
  batch.failed = {{"i-3", bad}};
  const auto out = from_batch(batch);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].state, "stopping");
  EXPECT_FALSE(out[0].already);
  EXPECT_TRUE(out[1].already);
  EXPECT_EQ(out[2].id, "i-3");
  EXPECT_NE(out[2].error.find("InvalidInstanceID.NotFound"), std::string::npos);
}

}  // namespace
}  // namespace devenv::inventory
