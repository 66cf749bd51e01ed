// The EC2 Query API's XML answers as values: DescribeInstances pages and Start/StopInstances state changes.
// Pure parsers over untrusted text (fuzzed): malformed XML or a missing root element is an error, never a
// crash; unknown elements are ignored.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/batch_result.h"
#include "core/error.h"

namespace devenv::aws {

struct tag {
  std::string key;
  std::string value;
  bool operator==(const tag&) const = default;
};

// The value of tag `key`, or nullopt.
std::optional<std::string> find_tag(const std::vector<tag>& tags, std::string_view key);

struct ec2_instance {
  std::string id;             // "i-0123456789abcdef0"
  std::string instance_type;  // "t3.micro"
  std::string state;          // pending | running | shutting-down | terminated | stopping | stopped
  std::string launch_time;    // RFC 3339 as sent
  std::vector<tag> tags;
};

struct ec2_instance_page {
  std::vector<ec2_instance> instances;  // flattened over reservations
  std::string next_token;               // empty on the last page
};

result<ec2_instance_page> parse_describe_instances(std::string_view xml);

// StartInstancesResponse / StopInstancesResponse: one change per instance.
result<std::vector<state_change>> parse_instance_state_changes(std::string_view xml);

}  // namespace devenv::aws
