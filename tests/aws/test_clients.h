// Shared set-up for the aws client tests: a signed_client against fake_aws.py with a fixed clock and a
// sleep that records instead of waiting (backoff is asserted, never slept).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "aws/fake_aws.h"
#include "aws/signed_client.h"
#include "http/curl_client.h"

namespace devenv::aws::testing {

inline time_point fixed_now() {
  using namespace std::chrono;
  return time_point{sys_days{year{2026} / 3 / 1} + hours{8} + minutes{30}};
}

struct recorded_sleeps {
  std::mutex mutex;
  std::vector<std::chrono::milliseconds> delays;
};

inline credentials fake_keys() {
  return {"AKIDFAKE", "fake-secret", "", std::nullopt, "test"};
}

inline std::unique_ptr<signed_client> client_for(const http::curl_client& http,
                                                 const devenv::testing::fake_aws& fake,
                                                 const service_info& service, recorded_sleeps& sleeps,
                                                 signed_client_options options = {},
                                                 credentials creds = fake_keys()) {
  service_endpoint endpoint{fake.url(), "eu-west-1", std::string(service.signing_name)};
  signed_client_effects effects;
  effects.now = fixed_now;
  effects.sleep = [&sleeps](std::chrono::milliseconds d) {
    std::lock_guard lock(sleeps.mutex);
    sleeps.delays.push_back(d);
  };
  effects.random01 = [] { return 0.5; };
  return std::make_unique<signed_client>(http,
                                         std::make_shared<static_credentials_provider>(std::move(creds)),
                                         std::move(endpoint), std::move(options), std::move(effects));
}

}  // namespace devenv::aws::testing
