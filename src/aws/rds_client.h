// RDS through the Query protocol (API version 2014-10-31): DescribeDBInstances and DescribeDBClusters across
// all pages (Marker), and Start/Stop of instances and Aurora clusters, one call per resource (RDS has no
// batch calls), so one failing resource never blocks the others.
//
// Idempotency: RDS answers InvalidDBInstanceState / InvalidDBClusterStateFault when a resource is not in a
// state the action starts from; the client then reads that resource and counts it as done (`already`) when
// it is already where the action leads (stop: stopped/stopping; start: available/starting), and as failed
// otherwise.
//
// Thread-safety: as the signed_client it uses.
#pragma once

#include <string>
#include <vector>

#include "aws/batch_result.h"
#include "aws/rds_xml.h"
#include "aws/signed_client.h"

namespace devenv::aws {

struct rds_client_options {
  int page_size = 100;  // MaxRecords, 20..100
};

class rds_client {
 public:
  static constexpr std::string_view api_version = "2014-10-31";

  explicit rds_client(const signed_client& client, rds_client_options options = {});

  // All instances / clusters with their tags (RDS cannot filter by tag server-side).
  aws_result<std::vector<db_instance>> describe_db_instances() const;
  aws_result<std::vector<db_cluster>> describe_db_clusters() const;

  batch_result start_db_instances(const std::vector<std::string>& ids) const;
  batch_result stop_db_instances(const std::vector<std::string>& ids) const;
  batch_result start_db_clusters(const std::vector<std::string>& ids) const;
  batch_result stop_db_clusters(const std::vector<std::string>& ids) const;

 private:
  batch_result change(bool cluster, bool start, const std::vector<std::string>& ids) const;

  const signed_client& client_;
  rds_client_options options_;
};

}  // namespace devenv::aws
