// The RDS Query API's XML answers as values: DescribeDBInstances and DescribeDBClusters pages (with their
// TagList), and the DBInstance/DBCluster returned by Start/Stop. Pure parsers over untrusted text (fuzzed).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aws/ec2_xml.h"
#include "core/error.h"

namespace devenv::aws {

struct db_instance {
  std::string identifier;          // DBInstanceIdentifier
  std::string arn;                 // DBInstanceArn
  std::string instance_class;      // "db.t3.micro"
  std::string engine;              // "postgres", "aurora-postgresql", ...
  std::string status;              // available | stopped | stopping | starting | ...
  std::string cluster_identifier;  // DBClusterIdentifier: set for Aurora members (handled as the cluster)
  std::vector<tag> tags;
};

struct db_cluster {
  std::string identifier;  // DBClusterIdentifier
  std::string arn;
  std::string engine;
  std::string status;
  std::vector<std::string> members;  // DBClusterMembers/DBClusterMember/DBInstanceIdentifier
  std::vector<tag> tags;
};

struct db_instance_page {
  std::vector<db_instance> instances;
  std::string marker;  // empty on the last page
};

struct db_cluster_page {
  std::vector<db_cluster> clusters;
  std::string marker;
};

result<db_instance_page> parse_describe_db_instances(std::string_view xml);
result<db_cluster_page> parse_describe_db_clusters(std::string_view xml);
// Start/StopDBInstanceResponse → the instance as returned; Start/StopDBClusterResponse → the cluster.
result<db_instance> parse_db_instance_action(std::string_view xml);
result<db_cluster> parse_db_cluster_action(std::string_view xml);

}  // namespace devenv::aws
