// EC2 client against fake_aws.py, which checks every signature with botocore and every parameter against
// botocore's ec2 model: tag filters across pages, start/stop item by item, retries, timeouts, typed errors.
#include "aws/ec2_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "aws/test_clients.h"
#include "support/temp_dir.h"

namespace devenv::aws {
namespace {

using devenv::testing::fake_aws;
using devenv::testing::fake_aws_fixture;
using nlohmann::json;
using testing::client_for;
using testing::recorded_sleeps;

json instance(const std::string& id, const std::string& state, const std::string& ns,
              const std::string& scheduler = "enabled") {
  return {{"id", id},
          {"state", state},
          {"type", "t3.small"},
          {"tags", {{"namespace", ns}, {"scheduler", scheduler}}}};
}

json fleet() {
  return json::array({instance("i-01", "running", "dev1"), instance("i-02", "stopped", "dev1"),
                      instance("i-03", "running", "dev2"), instance("i-04", "terminated", "dev1"),
                      instance("i-05", "running", "dev1"), instance("i-06", "running", "dev1", "disabled"),
                      instance("i-07", "stopping", "dev1")});
}

std::vector<std::string> ids_of(const std::vector<ec2_instance>& instances) {
  std::vector<std::string> out;
  for (const auto& i : instances) out.push_back(i.id);
  return out;
}

class ec2_client_test : public ::testing::Test {
 protected:
  devenv::testing::temp_dir dir_{"aws-ec2"};
  fake_aws fake_{dir_.path() / "fake", fake_aws_fixture(fleet())};
  http::curl_client http_;
  recorded_sleeps sleeps_;

  void SetUp() override { ASSERT_TRUE(fake_.ready()) << fake_.log(); }
};

TEST_F(ec2_client_test, describe_follows_every_page_with_tag_filters) {
  struct row {
    std::vector<tag_filter> filters;
    std::vector<std::string> want;
    int pages;  // the fake serves two instances per page
  };
  const std::vector<row> table = {
      {{{"namespace", {"dev1"}}}, {"i-01", "i-02", "i-04", "i-05", "i-06", "i-07"}, 3},
      {{{"namespace", {"dev1"}}, {"scheduler", {"enabled"}}}, {"i-01", "i-02", "i-04", "i-05", "i-07"}, 3},
      {{{"namespace", {"dev2", "dev9"}}}, {"i-03"}, 1},
      {{{"namespace", {"nobody"}}}, {}, 1},
      {{}, {"i-01", "i-02", "i-03", "i-04", "i-05", "i-06", "i-07"}, 4},
  };
  auto client = client_for(http_, fake_, ec2_service, sleeps_);
  ec2_client ec2(*client);
  int before = 0;
  for (const auto& r : table) {
    auto got = ec2.describe_instances(r.filters);
    ASSERT_TRUE(got) << got.error().describe();
    EXPECT_EQ(ids_of(*got), r.want);
    const int after = fake_.count("DescribeInstances");
    EXPECT_EQ(after - before, r.pages);
    before = after;
  }
  auto all = ec2.describe_instances({{"namespace", {"dev1"}}});
  ASSERT_TRUE(all);
  const auto& first = all->front();
  EXPECT_EQ(first.state, "running");
  EXPECT_EQ(first.instance_type, "t3.small");
  EXPECT_EQ(find_tag(first.tags, "namespace"), "dev1");
  // The filters went out as EC2 expects them (the fake also checked them against botocore's model).
  const auto last = fake_.requests().back()["params"];
  EXPECT_EQ(last["Filter.1.Name"], "tag:namespace");
  EXPECT_EQ(last["Filter.1.Value.1"], "dev1");
  EXPECT_EQ(last["MaxResults"], "1000");
}

TEST_F(ec2_client_test, stop_reports_each_instance_and_the_rest_proceed) {
  auto client = client_for(http_, fake_, ec2_service, sleeps_);
  ec2_client ec2(*client);
  const auto result = ec2.stop_instances({"i-01", "i-02", "i-04", "i-09", "i-05", "i-07", "i-01"});
  std::map<std::string, state_change> done;
  for (const auto& c : result.done) done[c.id] = c;
  ASSERT_EQ(done.size(), 4u);
  EXPECT_EQ(done["i-01"].current_state, "stopping");
  EXPECT_FALSE(done["i-01"].already);
  EXPECT_TRUE(done["i-02"].already);  // already stopped counts as done
  EXPECT_TRUE(done["i-07"].already);  // already stopping too
  EXPECT_FALSE(done["i-05"].already);
  ASSERT_EQ(result.failed.size(), 2u);
  std::map<std::string, api_error> failed;
  for (const auto& f : result.failed) failed[f.id] = f.error;
  EXPECT_EQ(failed["i-04"].code, "IncorrectInstanceState");
  EXPECT_EQ(failed["i-04"].kind, errc::conflict);
  EXPECT_EQ(failed["i-09"].code, "InvalidInstanceID.NotFound");
  EXPECT_EQ(failed["i-09"].kind, errc::not_found);
  EXPECT_FALSE(failed["i-09"].request_id.empty());
  const auto state = fake_.state();
  for (const auto& i : state["ec2"]["instances"]) {
    if (i["id"] == "i-01" || i["id"] == "i-05") {
      EXPECT_EQ(i["state"], "stopped") << i.dump();
    }
  }
  // Stopping again changes nothing and reports everything as already done.
  const auto again = ec2.stop_instances({"i-01", "i-05"});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(std::all_of(again.done.begin(), again.done.end(), [](const auto& c) { return c.already; }));
}

TEST_F(ec2_client_test, start_is_idempotent_and_batches_when_all_are_valid) {
  auto client = client_for(http_, fake_, ec2_service, sleeps_);
  ec2_client ec2(*client);
  const auto result = ec2.start_instances({"i-01", "i-02"});
  ASSERT_TRUE(result.ok()) << result.failed.front().error.describe();
  ASSERT_EQ(result.done.size(), 2u);
  EXPECT_TRUE(result.done[0].already);  // i-01 was running
  EXPECT_EQ(result.done[1].previous_state, "stopped");
  EXPECT_EQ(result.done[1].current_state, "pending");
  EXPECT_EQ(fake_.count("StartInstances"), 1);  // one call for the valid batch
  const auto bad = ec2.start_instances({"i-04", "i-03"});
  ASSERT_EQ(bad.failed.size(), 1u);
  EXPECT_EQ(bad.failed[0].id, "i-04");
  ASSERT_EQ(bad.done.size(), 1u);
  EXPECT_EQ(bad.done[0].id, "i-03");
}

TEST_F(ec2_client_test, throttling_and_server_errors_are_retried_with_backoff) {
  struct row {
    json fault;
    bool succeeds;
    int requests;
    errc kind;
  };
  const std::vector<row> table = {
      {{{"action", "DescribeInstances"}, {"status", 503}, {"code", "RequestLimitExceeded"}, {"times", 2}},
       true,
       3,
       {}},
      {{{"action", "DescribeInstances"}, {"status", 400}, {"code", "Throttling"}, {"times", 1}}, true, 2, {}},
      {{{"action", "DescribeInstances"}, {"status", 500}, {"code", "InternalError"}, {"times", 3}},
       true,
       4,
       {}},
      {{{"action", "DescribeInstances"}, {"status", 503}, {"code", "Unavailable"}, {"times", 9}},
       false,
       4,
       errc::unavailable},
      {{{"action", "DescribeInstances"}, {"status", 400}, {"code", "UnauthorizedOperation"}, {"times", 1}},
       false,
       1,
       errc::forbidden},
  };
  for (const auto& r : table) {
    SCOPED_TRACE(r.fault.dump());
    fake_.set_state({{"faults", json::array({r.fault})}});
    sleeps_.delays.clear();
    auto client = client_for(http_, fake_, ec2_service, sleeps_);
    ec2_client ec2(*client);
    const int before = fake_.count("DescribeInstances");
    auto got = ec2.describe_instances({{"namespace", {"dev2"}}});
    EXPECT_EQ(got.has_value(), r.succeeds);
    if (!got) {
      EXPECT_EQ(got.error().kind, r.kind);
    }
    EXPECT_EQ(fake_.count("DescribeInstances") - before, r.requests);
    // Jittered exponential backoff (random fixed at 0.5): 75, 150, 300 ms.
    const std::vector<std::chrono::milliseconds> expected_delays = {
        std::chrono::milliseconds(75), std::chrono::milliseconds(150), std::chrono::milliseconds(300)};
    EXPECT_EQ(sleeps_.delays,
              std::vector(expected_delays.begin(), expected_delays.begin() + (r.requests - 1)));
  }
}

TEST_F(ec2_client_test, throttled_batches_report_every_instance_as_throttled) {
  fake_.add_fault(
      {{"action", "StopInstances"}, {"status", 503}, {"code", "RequestLimitExceeded"}, {"times", -1}});
  signed_client_options options;
  options.max_attempts = 2;
  auto client = client_for(http_, fake_, ec2_service, sleeps_, options);
  ec2_client ec2(*client);
  const auto result = ec2.stop_instances({"i-01", "i-05"});
  ASSERT_EQ(result.failed.size(), 2u);
  EXPECT_TRUE(result.done.empty());
  for (const auto& f : result.failed) {
    EXPECT_EQ(f.error.kind, errc::too_many_requests);
    EXPECT_TRUE(f.error.throttling());
  }
  EXPECT_EQ(fake_.count("StopInstances"), 2);  // throttling is not an id problem: no per-instance retries
}

TEST_F(ec2_client_test, every_attempt_has_a_timeout) {
  fake_.add_fault({{"action", "DescribeInstances"}, {"status", 0}, {"delay_seconds", 3}, {"times", 1}});
  signed_client_options options;
  options.timeout = std::chrono::milliseconds(300);
  options.max_attempts = 1;
  auto once = client_for(http_, fake_, ec2_service, sleeps_, options);
  auto got = ec2_client(*once).describe_instances({});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, errc::timeout);
  EXPECT_EQ(got.error().http_status, 0);
  // With a second attempt the slow answer is abandoned and the retry succeeds.
  fake_.add_fault({{"action", "DescribeInstances"}, {"status", 0}, {"delay_seconds", 3}, {"times", 1}});
  options.max_attempts = 2;
  auto twice = client_for(http_, fake_, ec2_service, sleeps_, options);
  auto retried = ec2_client(*twice).describe_instances({{"namespace", {"dev2"}}});
  ASSERT_TRUE(retried) << retried.error().describe();
  EXPECT_EQ(ids_of(*retried), std::vector<std::string>{"i-03"});
}

TEST_F(ec2_client_test, wrong_secret_is_rejected_by_botocore_and_not_retried) {
  auto client =
      client_for(http_, fake_, ec2_service, sleeps_, {}, {"AKIDFAKE", "not-the-secret", "", {}, ""});
  auto got = ec2_client(*client).describe_instances({});
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(got.error().http_status, 403);
  EXPECT_EQ(got.error().kind, errc::unauthorized);
  EXPECT_TRUE(sleeps_.delays.empty());
  auto unknown = client_for(http_, fake_, ec2_service, sleeps_, {}, {"AKIDOTHER", "fake-secret", "", {}, ""});
  auto got2 = ec2_client(*unknown).describe_instances({});
  ASSERT_FALSE(got2);
  EXPECT_EQ(got2.error().code, "InvalidClientTokenId");
}

}  // namespace
}  // namespace devenv::aws
