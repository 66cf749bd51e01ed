// aws_cloud_api: cloud_api over the EC2 and RDS Query clients of src/aws. EC2 is filtered server-side by the
// scheduler tag (and the namespace tag when one environment is asked for); RDS cannot filter by tag, so all
// DB instances and clusters are listed and the caller's grouping keeps the tagged ones. Start/stop outcomes
// come item by item from the clients (which isolate a bad id and count "already there" as done).
// Thread-safety: as the clients (const calls, no state of its own).
#pragma once

#include "aws/ec2_client.h"
#include "aws/rds_client.h"
#include "inventory/cloud_api.h"

namespace devenv::inventory {

// Pure conversions (tested without a network).
resource from_ec2(const aws::ec2_instance& instance);
resource from_db_instance(const aws::db_instance& instance);
resource from_db_cluster(const aws::db_cluster& cluster);
std::vector<change_outcome> from_batch(const aws::batch_result& batch);

class aws_cloud_api : public cloud_api {
 public:
  // The clients must outlive this object.
  aws_cloud_api(const aws::ec2_client& ec2, const aws::rds_client& rds) : ec2_(ec2), rds_(rds) {}

  result<std::vector<resource>> describe(const tag_keys& keys, std::string_view ns) override;
  std::vector<change_outcome> change(bool start, resource_kind kind,
                                     const std::vector<std::string>& ids) override;

 private:
  const aws::ec2_client& ec2_;
  const aws::rds_client& rds_;
};

}  // namespace devenv::inventory
