// The signed client against fake_aws.py: the Query form it sends is exactly what botocore would send (the
// fake re-serialises it from botocore's model), a malformed request is rejected with a typed error, session
// tokens are sent and checked, and the backoff schedule is the documented one.
#include "aws/signed_client.h"

#include <gtest/gtest.h>

#include "aws/test_clients.h"
#include "support/temp_dir.h"

namespace devenv::aws {
namespace {

using devenv::testing::fake_aws;
using devenv::testing::fake_aws_fixture;
using nlohmann::json;
using testing::client_for;
using testing::recorded_sleeps;

TEST(signed_client, parameters_outside_the_service_model_are_rejected) {
  devenv::testing::temp_dir dir("aws-signed");
  fake_aws fake(dir.path() / "fake", fake_aws_fixture(json::array()));
  ASSERT_TRUE(fake.ready()) << fake.log();
  http::curl_client http;
  recorded_sleeps sleeps;
  auto client = client_for(http, fake, ec2_service, sleeps);
  struct row {
    std::string action;
    query_params params;
    std::string code;  // "" when accepted
  };
  const std::vector<row> table = {
      {"DescribeInstances", {{"Filter.1.Name", "tag:a"}, {"Filter.1.Value.1", "x"}}, ""},
      {"DescribeInstances", {{"Filter.1.Nme", "tag:a"}}, "InvalidParameterValue"},
      {"DescribeInstances", {{"MaxResults", "many"}}, "InvalidParameterValue"},
      {"StopInstances", {}, "ValidationError"},  // InstanceIds is required
      {"StopInstance", {{"InstanceId.1", "i-1"}}, "InvalidAction"},
  };
  for (const auto& r : table) {
    SCOPED_TRACE(r.action);
    auto got = client->query(r.action, std::string_view("2016-11-15"), r.params);
    if (r.code.empty()) {
      EXPECT_TRUE(got) << got.error().describe();
    } else {
      ASSERT_FALSE(got);
      EXPECT_EQ(got.error().code, r.code) << got.error().describe();
      EXPECT_EQ(got.error().kind, errc::invalid_argument);
    }
  }
  EXPECT_TRUE(sleeps.delays.empty());  // client errors are never retried
}

TEST(signed_client, session_tokens_are_signed_and_checked) {
  devenv::testing::temp_dir dir("aws-signed");
  auto fixture = fake_aws_fixture(json::array());
  fixture["credentials"].push_back(
      {{"access_key_id", "ASIATEMP"}, {"secret_access_key", "temp-secret"}, {"session_token", "the-token"}});
  fake_aws fake(dir.path() / "fake", fixture);
  ASSERT_TRUE(fake.ready()) << fake.log();
  http::curl_client http;
  recorded_sleeps sleeps;
  auto good =
      client_for(http, fake, ec2_service, sleeps, {}, {"ASIATEMP", "temp-secret", "the-token", {}, ""});
  EXPECT_TRUE(good->query("DescribeInstances", std::string_view("2016-11-15"), {}));
  auto stale =
      client_for(http, fake, ec2_service, sleeps, {}, {"ASIATEMP", "temp-secret", "old-token", {}, ""});
  auto got = stale->query("DescribeInstances", std::string_view("2016-11-15"), {});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "InvalidClientTokenId");
}

TEST(signed_client, endpoint_with_base_path_and_unreachable_peer) {
  http::curl_client http;
  recorded_sleeps sleeps;
  signed_client_effects effects;
  effects.now = testing::fixed_now;
  effects.sleep = [&sleeps](std::chrono::milliseconds d) { sleeps.delays.push_back(d); };
  effects.random01 = [] { return 0.0; };
  signed_client_options options;
  options.max_attempts = 3;
  // Port 1 on loopback refuses connections: a transport failure, retried, then reported without a code.
  signed_client client(http, std::make_shared<static_credentials_provider>(testing::fake_keys()),
                       {"http://127.0.0.1:1/base", "eu-west-1", "ec2"}, options, effects);
  auto got = client.query("DescribeInstances", std::string_view("2016-11-15"), {});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, errc::unavailable);
  EXPECT_TRUE(got.error().code.empty());
  EXPECT_EQ(sleeps.delays, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(50),
                                                                   std::chrono::milliseconds(100)}));
}

TEST(signed_client, backoff_schedule) {
  signed_client_options o;
  o.initial_backoff = std::chrono::milliseconds(100);
  o.max_backoff = std::chrono::milliseconds(1000);
  struct row {
    int attempt;
    double random;
    long long want_ms;
  };
  for (const auto& r : std::vector<row>{
           {1, 0.0, 50}, {1, 0.999, 99}, {2, 0.0, 100}, {3, 1.0, 400}, {5, 0.0, 500}, {30, 0.5, 750}}) {
    EXPECT_EQ(backoff_delay(o, r.attempt, r.random).count(), r.want_ms) << r.attempt << " " << r.random;
  }
}

TEST(signed_client, which_failures_are_retried) {
  struct row {
    api_error e;
    bool retry;
  };
  const std::vector<row> table = {
      {{errc::unavailable, "", "connect: refused", "", 0}, true},
      {{errc::timeout, "", "deadline", "", 0}, true},
      {{errc::invalid_argument, "", "bad URL", "", 0}, false},
      {{errc::unavailable, "InternalError", "", "", 500}, true},
      {{errc::unavailable, "ServiceUnavailable", "", "", 503}, true},
      {{errc::too_many_requests, "Throttling", "", "", 400}, true},
      {{errc::too_many_requests, "", "", "", 429}, true},
      {{errc::too_many_requests, "ThrottlingException", "", "", 400}, true},
      {{errc::conflict, "IncorrectInstanceState", "", "", 400}, false},
      {{errc::unauthorized, "SignatureDoesNotMatch", "", "", 403}, false},
  };
  for (const auto& r : table) EXPECT_EQ(is_retryable(r.e), r.retry) << r.e.describe();
}

}  // namespace
}  // namespace devenv::aws
