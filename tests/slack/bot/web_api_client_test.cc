#include "slack/bot/web_api_client.h"

#include <gtest/gtest.h>

#include "support/fake_slack.h"

namespace devenv::slack {
namespace {

using namespace std::chrono_literals;

class WebApiClientTest : public ::testing::Test {
 protected:
  web_api_client make(int retries = 3, std::string token = "xoxb-test-token") {
    web_api_options o;
    o.base_url = slack_.base_url();
    o.bot_token = std::move(token);
    o.response_url_prefixes = {slack_.url_prefix()};
    o.retries = retries;
    o.timeout = 5s;
    o.max_retry_after = 10s;
    return web_api_client(o, nullptr, [this](std::chrono::milliseconds d) { waits_.push_back(d); });
  }
  static message hello() {
    message m;
    m.text = "hello";
    m.body.section("hello");
    return m;
  }

  testing::fake_slack slack_;
  std::vector<std::chrono::milliseconds> waits_;
};

TEST_F(WebApiClientTest, PostMessageSendsBearerTokenAndBlocks) {
  auto client = make();
  auto ts = client.post_message("C1", hello());
  ASSERT_TRUE(ts) << ts.error().message;
  EXPECT_FALSE(ts->empty());
  const auto posts = slack_.posts_to("/api/chat.postMessage");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].headers.at("authorization"), "Bearer xoxb-test-token");
  EXPECT_EQ(posts[0].json["channel"], "C1");
  EXPECT_EQ(posts[0].json["text"], "hello");
  EXPECT_EQ(posts[0].json["blocks"].size(), 1u);
  EXPECT_FALSE(posts[0].json.contains("response_type"));
}

TEST_F(WebApiClientTest, PostEphemeralNamesTheUser) {
  auto client = make();
  ASSERT_TRUE(client.post_ephemeral("C1", "U1", hello()));
  const auto posts = slack_.posts_to("/api/chat.postEphemeral");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].json["user"], "U1");
}

TEST_F(WebApiClientTest, RetriesAfterRateLimitHonouringRetryAfter) {
  auto client = make();
  slack_.rate_limit_next(2, 3);
  ASSERT_TRUE(client.post_message("C1", hello()));
  EXPECT_EQ(slack_.posts_to("/api/chat.postMessage").size(), 3u);
  EXPECT_EQ(waits_, (std::vector<std::chrono::milliseconds>{3s, 3s}));
}

TEST_F(WebApiClientTest, GivesUpWhenRateLimitedTooOftenOrTooLong) {
  auto client = make(1);
  slack_.rate_limit_next(2, 1);
  auto r = client.post_message("C1", hello());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::too_many_requests);
  EXPECT_EQ(slack_.posts().size(), 2u);

  slack_.rate_limit_next(1, 60);  // longer than max_retry_after: fail now rather than hold a worker
  auto r2 = make().post_message("C1", hello());
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, errc::too_many_requests);
}

TEST_F(WebApiClientTest, RetriesServerErrorsWithBackoff) {
  auto client = make();
  slack_.fail_next(2, 503);
  ASSERT_TRUE(client.respond(slack_.response_url("r1"), hello()));
  EXPECT_EQ(slack_.posts_to("/response/r1").size(), 3u);
  EXPECT_EQ(waits_, (std::vector<std::chrono::milliseconds>{200ms, 400ms}));
}

TEST_F(WebApiClientTest, SlackErrorsBecomeTypedErrors) {
  auto r = make(3, "xoxb-wrong").post_message("C1", hello());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::unauthorized);
  EXPECT_EQ(r.error().message.find("xoxb-wrong"), std::string::npos) << "token leaked: " << r.error().message;

  auto none = make(3, "").post_message("C1", hello());
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, errc::unauthorized);
  EXPECT_TRUE(slack_.posts_to("/api/chat.postMessage").size() == 1u) << "no request without a token";
}

TEST_F(WebApiClientTest, RespondPostsTheMessageAndRefusesForeignUrls) {
  auto client = make();
  message m = hello();
  m.type = response_type::in_channel;
  ASSERT_TRUE(client.respond(slack_.response_url("abc"), m));
  const auto posts = slack_.posts_to("/response/abc");
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].json["response_type"], "in_channel");
  EXPECT_EQ(posts[0].headers.count("authorization"), 0u) << "the bot token must not go to a response_url";

  auto foreign = client.respond("http://169.254.169.254/latest/meta-data", m);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, errc::invalid_argument);
}

TEST_F(WebApiClientTest, UsergroupMembers) {
  slack_.set_usergroup("S1", {"U1", "U2"});
  auto client = make();
  auto members = client.usergroup_members("S1");
  ASSERT_TRUE(members) << members.error().message;
  EXPECT_EQ(*members, (std::vector<std::string>{"U1", "U2"}));
  EXPECT_FALSE(client.usergroup_members("S404"));
}

}  // namespace
}  // namespace devenv::slack
