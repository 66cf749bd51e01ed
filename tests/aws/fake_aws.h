// Runs tests/aws/fake_aws.py (the botocore-checked fake EC2/RDS/STS/IMDS/container endpoint) for a test:
// started on 127.0.0.1:0 with a fixture, awaited through its port file, stopped at scope exit. Also its
// control endpoints (faults, request log, state). Reusable by any test that links devenv_fake_aws.
//
// Thread-safety: one instance per test; not thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "support/process.h"

namespace devenv::testing {

class fake_aws {
 public:
  // `dir` holds the fixture, the port file and the log.
  fake_aws(std::filesystem::path dir, const nlohmann::json& fixture);
  ~fake_aws();

  bool ready() const { return ready_; }
  std::string url() const;  // http://127.0.0.1:<port>
  std::string log() const { return process_->log(); }

  // POST /_fake/faults: {"action", "status", "code", "message", "times", "delay_seconds"}.
  void add_fault(const nlohmann::json& fault) const;
  // GET /_fake/requests: [{service, action, params, signed, access_key_id}].
  nlohmann::json requests() const;
  // Requests seen for one action.
  int count(const std::string& action) const;
  // GET / POST /_fake/state: {"ec2": {...}, "rds": {...}}.
  nlohmann::json state() const;
  void set_state(const nlohmann::json& state) const;

  // AWS_ENDPOINT_URL, AWS_REGION and static keys for fixture credentials[0].
  std::map<std::string, std::string> environment() const;

 private:
  std::filesystem::path dir_;
  nlohmann::json fixture_;
  std::unique_ptr<child_process> process_;
  bool ready_ = false;
  int port_ = 0;
};

// A fixture with one static key pair (AKIDFAKE / fake-secret) and the given EC2 and RDS parts.
nlohmann::json fake_aws_fixture(nlohmann::json ec2_instances,
                                nlohmann::json rds_instances = nlohmann::json::array(),
                                nlohmann::json rds_clusters = nlohmann::json::array(), int page_size = 2);

}  // namespace devenv::testing
