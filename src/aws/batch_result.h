// The outcome of a start or stop over many resources, item by item: one invalid or terminated instance is
// reported while the rest proceed, and a resource already in the wanted state counts as done.
//
// Thread-safety: plain values.
#pragma once

#include <string>
#include <vector>

#include "aws/api_error.h"

namespace devenv::aws {

struct state_change {
  std::string id;
  std::string previous_state;  // as AWS reported it ("running", "available", ...); may be empty for RDS
  std::string current_state;   // "stopping", "stopped", "starting", ...
  bool already = false;        // the resource was already in (or moving to) the wanted state
};

struct item_failure {
  std::string id;
  api_error error;
};

struct batch_result {
  std::vector<state_change> done;
  std::vector<item_failure> failed;
  bool ok() const { return failed.empty(); }
};

}  // namespace devenv::aws
