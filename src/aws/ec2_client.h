// EC2 through the Query protocol (API version 2016-11-15): DescribeInstances with tag filters across all
// pages, and StartInstances/StopInstances reported instance by instance.
//
// Start/stop: EC2 rejects a whole call when one id is unknown or in the wrong state, so a batch that fails
// with such an error is repeated one instance at a time; then each instance is done or failed on its own.
// Starting a running instance or stopping a stopped one succeeds at EC2 and is reported as `already`.
//
// Thread-safety: as the signed_client it uses (const methods, no state of its own).
#pragma once

#include <string>
#include <vector>

#include "aws/batch_result.h"
#include "aws/ec2_xml.h"
#include "aws/signed_client.h"

namespace devenv::aws {

// Filter.N.Name=tag:<key> with Filter.N.Value.M = values (an instance matches when its tag equals any).
struct tag_filter {
  std::string key;
  std::vector<std::string> values;
};

struct ec2_client_options {
  int page_size = 1000;  // MaxResults, 5..1000
  int batch_size = 50;   // instance ids per Start/StopInstances call
};

class ec2_client {
 public:
  static constexpr std::string_view api_version = "2016-11-15";

  explicit ec2_client(const signed_client& client, ec2_client_options options = {});

  // Every instance matching all filters, across pages (terminated ones included: callers decide).
  aws_result<std::vector<ec2_instance>> describe_instances(const std::vector<tag_filter>& filters) const;

  batch_result start_instances(const std::vector<std::string>& ids) const;
  batch_result stop_instances(const std::vector<std::string>& ids) const;

 private:
  batch_result change_state(std::string_view action, const std::vector<std::string>& ids,
                            std::string_view wanted) const;

  const signed_client& client_;
  ec2_client_options options_;
};

}  // namespace devenv::aws
