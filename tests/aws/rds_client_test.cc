// RDS client against fake_aws.py (botocore-checked signatures and parameters): Marker pagination with
// TagList and cluster membership, and start/stop of instances and Aurora clusters one by one.
#include "aws/rds_client.h"

#include <gtest/gtest.h>

#include <map>

#include "aws/test_clients.h"
#include "support/temp_dir.h"

namespace devenv::aws {
namespace {

using devenv::testing::fake_aws;
using devenv::testing::fake_aws_fixture;
using nlohmann::json;
using testing::client_for;
using testing::recorded_sleeps;

json db(const std::string& id, const std::string& status, const std::string& ns,
        const std::string& cluster = "") {
  return {{"id", id},
          {"status", status},
          {"class", "db.t3.micro"},
          {"engine", cluster.empty() ? "postgres" : "aurora-postgresql"},
          {"cluster", cluster},
          {"tags", {{"namespace", ns}, {"scheduler", "enabled"}}}};
}

json cluster(const std::string& id, const std::string& status, std::vector<std::string> members,
             const std::string& ns) {
  return {{"id", id}, {"status", status}, {"members", members}, {"tags", {{"namespace", ns}}}};
}

class rds_client_test : public ::testing::Test {
 protected:
  devenv::testing::temp_dir dir_{"aws-rds"};
  fake_aws fake_{
      dir_.path() / "fake",
      fake_aws_fixture(
          json::array(),
          json::array({db("db1", "available", "dev1"), db("db2", "stopped", "dev1"),
                       db("db3", "available", "dev2"), db("c1-a", "available", "dev1", "c1"),
                       db("c1-b", "available", "dev1", "c1")}),
          json::array({cluster("c1", "available", {"c1-a", "c1-b"}, "dev1"),
                       cluster("c2", "stopped", {}, "dev2"), cluster("c3", "stopping", {}, "dev2")}))};
  http::curl_client http_;
  recorded_sleeps sleeps_;
  std::unique_ptr<signed_client> client_;

  void SetUp() override {
    ASSERT_TRUE(fake_.ready()) << fake_.log();
    client_ = client_for(http_, fake_, rds_service, sleeps_);
  }
};

TEST_F(rds_client_test, describe_instances_follows_markers_and_reads_tags_and_clusters) {
  rds_client rds(*client_);
  auto got = rds.describe_db_instances();
  ASSERT_TRUE(got) << got.error().describe();
  ASSERT_EQ(got->size(), 5u);
  EXPECT_EQ(fake_.count("DescribeDBInstances"), 3);  // pages of two
  std::map<std::string, db_instance> by_id;
  for (const auto& d : *got) by_id[d.identifier] = d;
  EXPECT_EQ(by_id["db2"].status, "stopped");
  EXPECT_EQ(by_id["db1"].instance_class, "db.t3.micro");
  EXPECT_EQ(by_id["db1"].arn, "arn:aws:rds:eu-west-1:123456789012:db:db1");
  EXPECT_EQ(find_tag(by_id["db3"].tags, "namespace"), "dev2");
  EXPECT_EQ(by_id["c1-b"].cluster_identifier, "c1");
  EXPECT_TRUE(by_id["db1"].cluster_identifier.empty());
  const auto params = fake_.requests().back()["params"];
  EXPECT_EQ(params["MaxRecords"], "100");
  EXPECT_EQ(params["Marker"], "4");
}

TEST_F(rds_client_test, describe_clusters_reads_members_and_tags) {
  rds_client rds(*client_);
  auto got = rds.describe_db_clusters();
  ASSERT_TRUE(got) << got.error().describe();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ(fake_.count("DescribeDBClusters"), 2);
  EXPECT_EQ(got->front().members, (std::vector<std::string>{"c1-a", "c1-b"}));
  EXPECT_EQ(find_tag(got->front().tags, "namespace"), "dev1");
  EXPECT_EQ((*got)[1].status, "stopped");
}

TEST_F(rds_client_test, stop_instances_one_by_one) {
  rds_client rds(*client_);
  const auto result = rds.stop_db_instances({"db1", "db2", "db9", "c1-a"});
  std::map<std::string, state_change> done;
  for (const auto& c : result.done) done[c.id] = c;
  std::map<std::string, api_error> failed;
  for (const auto& f : result.failed) failed[f.id] = f.error;
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done["db1"].current_state, "stopping");
  EXPECT_FALSE(done["db1"].already);
  EXPECT_TRUE(done["db2"].already);  // already stopped counts as done
  EXPECT_EQ(done["db2"].current_state, "stopped");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed["db9"].code, "DBInstanceNotFound");
  EXPECT_EQ(failed["db9"].kind, errc::not_found);
  EXPECT_EQ(failed["c1-a"].code, "InvalidDBInstanceState");  // an Aurora member goes with its cluster
  EXPECT_EQ(fake_.count("StopDBInstance"), 4);
}

TEST_F(rds_client_test, start_and_stop_clusters) {
  rds_client rds(*client_);
  const auto stopped = rds.stop_db_clusters({"c1", "c3", "c9"});
  ASSERT_EQ(stopped.done.size(), 2u);
  EXPECT_EQ(stopped.done[0].id, "c1");
  EXPECT_EQ(stopped.done[0].current_state, "stopping");
  EXPECT_EQ(stopped.done[1].id, "c3");
  EXPECT_TRUE(stopped.done[1].already);  // already stopping
  ASSERT_EQ(stopped.failed.size(), 1u);
  EXPECT_EQ(stopped.failed[0].error.code, "DBClusterNotFoundFault");

  const auto started = rds.start_db_clusters({"c1", "c2"});
  ASSERT_TRUE(started.ok()) << started.failed.front().error.describe();
  EXPECT_EQ(started.done[0].current_state, "starting");
  EXPECT_FALSE(started.done[0].already);
  const auto again = rds.start_db_clusters({"c1"});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.done[0].already);
}

TEST_F(rds_client_test, start_instance_retries_throttling) {
  fake_.add_fault({{"action", "StartDBInstance"}, {"status", 400}, {"code", "Throttling"}, {"times", 1}});
  rds_client rds(*client_);
  const auto started = rds.start_db_instances({"db2"});
  ASSERT_TRUE(started.ok()) << started.failed.front().error.describe();
  EXPECT_EQ(started.done[0].current_state, "starting");
  EXPECT_EQ(sleeps_.delays.size(), 1u);
  EXPECT_EQ(fake_.count("StartDBInstance"), 2);
}

}  // namespace
}  // namespace devenv::aws
