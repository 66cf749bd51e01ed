// End to end through Slack (issue 7's "done when"): a signed `/devenv stop dev1` sent to the real
// devenv-scaler is acknowledged at once, then scales dev1's workloads to 0, stops its EC2 instance, then its
// RDS database, and posts the outcome — each EC2/RDS resource with what happened to it — to the command's
// response_url (a fake Slack); `/devenv start dev1` comes back in reverse. The order across kube-sim and
// fake_aws.py is observed by holding one AWS call (an injected delay) and looking at the other peer
// meanwhile.
#include <future>

#include "inventory/aws_e2e_fixture.h"
#include "slack/signature.h"
#include "support/fake_slack.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kSlackSecret = "8f742231b10e8888abcd99yyyzzz85a5";

std::string form_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

class aws_slack_e2e_test : public aws_e2e_fixture {
 protected:
  void SetUp() override {
    aws_e2e_fixture::SetUp();
    if (HasFatalFailure()) return;
    const auto config =
        dir_.write("config.yaml", "slack:\n  response_url_prefixes: [\"" + slack_.url_prefix() +
                                      "\"]\n  access:\n    default:\n      environments: "
                                      "[\"*\"]\n      actions: [stop, start, status]\n");
    start_scaler({{"DEVENV_CONFIG", config.string()}, {"DEVENV_SLACK_SIGNING_SECRET", kSlackSecret}});
  }

  struct ack {
    int status = 0;
    json body;
    std::chrono::milliseconds took{0};
  };

  // `/devenv <text>` as Slack sends it (form-encoded, signed), with a response_url on the fake Slack.
  ack command(const std::string& text, const std::string& response_id) {
    const auto ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    const std::string body =
        "token=x&team_id=T1&team_domain=acme&channel_id=C1&channel_name=dev&user_id=U_ALICE&user_name=alice"
        "&command=%2Fdevenv&text=" +
        form_encode(text) + "&api_app_id=A1&response_url=" + form_encode(slack_.response_url(response_id)) +
        "&trigger_id=t";
    const auto began = std::chrono::steady_clock::now();
    auto r = run_command({"curl", "-s", "-m", "10", "-w", "\n%{http_code}", "-H",
                          "Content-Type: application/x-www-form-urlencoded", "-H",
                          "X-Slack-Request-Timestamp: " + ts, "-H",
                          "X-Slack-Signature: " + slack::sign(kSlackSecret, ts, body), "--data-binary", body,
                          scaler_->url() + "/slack/commands"});
    ack out;
    out.took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto newline = r.out.rfind('\n');
    if (newline == std::string::npos) return out;
    out.status = std::atoi(r.out.c_str() + newline + 1);
    out.body = json::parse(r.out.substr(0, newline), nullptr, false);
    return out;
  }

  // The one message posted to /response/<id> (waited for), as text: its `text` and every block.
  std::string response(const std::string& id) {
    if (!slack_.wait_for("/response/" + id, 1, 90s)) {
      ADD_FAILURE() << "nothing posted to the response_url " << id << "\n" << scaler_->process().log();
      return "";
    }
    const auto posts = slack_.posts_to("/response/" + id);
    EXPECT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].json.value("response_type", ""), "in_channel") << posts[0].body;
    return posts[0].json.dump();
  }

  fake_slack slack_;
};

bool mentions(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

TEST_F(aws_slack_e2e_test, slash_stop_goes_workloads_ec2_rds_and_slash_start_comes_back_in_reverse) {
  wait_for_first_inventory_round();  // afterwards the guard sleeps 10 min: only the commands act below
  if (HasFatalFailure()) return;

  // /devenv stop dev1, with StopInstances held for 5 s.
  aws_->add_fault({{"action", "StopInstances"}, {"status", 0}, {"delay_seconds", 5}, {"times", 1}});
  const ack stop_ack = command("stop dev1", "stop");
  EXPECT_EQ(stop_ack.status, 200);
  EXPECT_LT(stop_ack.took, 3s) << "Slack gives up after 3 s";
  EXPECT_EQ(stop_ack.body.value("response_type", ""), "ephemeral") << stop_ack.body.dump();
  EXPECT_TRUE(mentions(stop_ack.body.dump(), "Stopping")) << stop_ack.body.dump();
  EXPECT_TRUE(mentions(stop_ack.body.dump(), "dev1")) << stop_ack.body.dump();
  // The workloads go first: at 0 while EC2 has not answered yet.
  ASSERT_TRUE(eventually([&] { return web_replicas() == 0; })) << scaler_->process().log();
  EXPECT_TRUE(actions().empty()) << "an AWS action completed before the workloads were stopped";
  const std::string stopped = response("stop");
  EXPECT_EQ(actions(), (std::vector<std::string>{"StopInstances", "StopDBInstance"}))
      << aws_->requests().dump();
  EXPECT_EQ(ec2_state("i-0dev1a"), "stopped");
  EXPECT_EQ(ec2_state("i-0dev2a"), "running");  // another environment's instance
  EXPECT_EQ(rds_state("db-dev1"), "stopped");
  // The message in the channel reports every EC2/RDS resource: the two stopped, the terminated one failed.
  EXPECT_TRUE(mentions(stopped, "i-0dev1a")) << stopped;
  EXPECT_TRUE(mentions(stopped, "db-dev1")) << stopped;
  EXPECT_TRUE(mentions(stopped, "stop requested")) << stopped;
  EXPECT_TRUE(mentions(stopped, "i-0dev1dead")) << stopped;
  EXPECT_TRUE(mentions(stopped, "terminated")) << stopped;
  EXPECT_FALSE(mentions(stopped, "i-0dev2a")) << stopped;
  EXPECT_TRUE(mentions(stopped, "U_ALICE")) << stopped;

  // /devenv start dev1, with StartInstances held: the database is started first, and the workloads stay at
  // 0 until EC2 has answered.
  aws_->add_fault({{"action", "StartInstances"}, {"status", 0}, {"delay_seconds", 5}, {"times", 1}});
  const ack start_ack = command("start dev1", "start");
  EXPECT_EQ(start_ack.status, 200);
  EXPECT_LT(start_ack.took, 3s);
  EXPECT_TRUE(mentions(start_ack.body.dump(), "Starting")) << start_ack.body.dump();
  ASSERT_TRUE(eventually([&] { return actions().size() == 3; })) << aws_->requests().dump();
  EXPECT_EQ(actions().back(), "StartDBInstance");
  EXPECT_EQ(web_replicas(), 0) << "workloads started before EC2";
  const std::string started = response("start");
  EXPECT_EQ(actions(), (std::vector<std::string>{"StopInstances", "StopDBInstance", "StartDBInstance",
                                                 "StartInstances"}));
  EXPECT_EQ(web_replicas(), 2);
  EXPECT_EQ(ec2_state("i-0dev1a"), "running");
  EXPECT_EQ(rds_state("db-dev1"), "available");
  EXPECT_TRUE(mentions(started, "i-0dev1a")) << started;
  EXPECT_TRUE(mentions(started, "db-dev1")) << started;
  EXPECT_TRUE(mentions(started, "start requested")) << started;
}

}  // namespace
}  // namespace devenv::testing
