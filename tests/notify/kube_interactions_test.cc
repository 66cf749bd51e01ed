// POST /slack/interactions end to end: a signed click on a warning's button extends (the CronJob's schedule
// moves) or stops (workloads at 0) and the original message is updated with who did what, the other
// environments' buttons kept; unsigned, forged, stale and replayed payloads are refused with 401 and change
// nothing; a user the access rules deny is told so and nothing changes.
#include <gtest/gtest.h>

#include <thread>

#include "http/curl_client.h"
#include "slack/form.h"
#include "http/server.h"
#include "metrics/registry.h"
#include "notify/kube_fixture.h"
#include "slack/bot/interactions.h"
#include "slack/signature.h"

namespace devenv::notify::testing {
namespace {

using namespace std::chrono_literals;

std::string timestamp(time_point t) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

class interactions_kube : public notify_kube {
 protected:
  void SetUp() override {
    notify_kube::SetUp();
    if (HasFatalFailure()) return;
    settings_.enabled = true;
    settings_.signing_secret = "interaction-signing-secret";
    settings_.bot_token = "xoxb-test-token";
    settings_.api_base_url = slack_.base_url();
    settings_.response_url_prefixes = {slack_.url_prefix()};
    settings_.access =
        slack::access_policy({{"backend", {"U_ALICE"}, {}, {}, {"dev*"}, {"stop", "prolongate"}},
                              {"viewers", {"U_MALLORY"}, {}, {}, {"dev*"}, {"status", "list"}}},
                             {"default", {}, {}, {}, {"*"}, {"status"}});

    slack::slack_context ctx;
    ctx.environments = environments_.get();
    ctx.workers = &workers_;
    ctx.metrics = &metrics_;
    ctx.wall_clock = [this] { return now(); };
    ctx.settings = &settings_;
    ctx.web = web_.get();
    ctx.schedules = manager_.get();
    auto router = std::make_shared<http::router>();
    slack::add_slack_interaction_routes(*router, ctx);
    server_ = std::make_unique<http::server>(io_, http::server_options{},
                                             [router](http::request& req) -> net::awaitable<http::response> {
                                               auto m = router->find(req.method, req.raw_path);
                                               if (!m.handler)
                                                 co_return http::response::text(m.status, "no\n");
                                               co_return co_await (*m.handler)(req, m.params);
                                             });
    server_->start();
    io_thread_ = std::thread([this] { io_.run(); });
    set_now(friday_shutdown() - 30min);
  }

  void TearDown() override {
    if (server_) {
      net::post(io_, [this] { server_->stop(5s); });
      io_thread_.join();
    }
    workers_.join();
  }

  // A grouped warning for dev1 and dev2 as we post it, clicked on `action` for `env` by `user`.
  std::string payload_body(const std::string& action, const std::string& env, const std::string& user) {
    auto buttons = [](const std::string& ns) {
      json elements = json::array();
      for (const auto& id : {slack::extend_1h_action, slack::extend_2h_action, slack::stop_now_action}) {
        elements.push_back({{"type", "button"},
                            {"action_id", std::string(id)},
                            {"value", ns},
                            {"text", {{"type", "plain_text"}, {"text", "x"}}}});
      }
      return json{{"type", "actions"}, {"block_id", "b" + ns}, {"elements", elements}};
    };
    const json payload = {
        {"type", "block_actions"},
        {"user", {{"id", user}, {"username", "someone"}, {"team_id", "T1"}}},
        {"api_app_id", "A1"},
        {"team", {{"id", "T1"}}},
        {"container", {{"type", "message"}, {"message_ts", "1700000000.000001"}, {"channel_id", "C1"}}},
        {"channel", {{"id", "C1"}, {"name", "dev"}}},
        {"message",
         {{"ts", "1700000000.000001"},
          {"text", "2 environments stop in 30 minutes"},
          {"blocks",
           json::array({{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", "stop soon"}}}},
                        buttons("dev1"),
                        buttons("dev2")})}}},
        {"response_url", slack_.response_url("click")},
        {"trigger_id", "1.2.3"},
        {"actions", json::array({{{"type", "button"},
                                  {"action_id", action},
                                  {"block_id", "b" + env},
                                  {"value", env},
                                  {"action_ts", "1700000001.000000"}}})}};
    return "payload=" + slack::encode_form_value(payload.dump());
  }

  long send(const std::string& body, const std::optional<std::string>& ts,
            const std::optional<std::string>& signature) {
    http::client_request req;
    req.method = "POST";
    req.url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/slack/interactions";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    if (ts) req.headers.emplace_back("X-Slack-Request-Timestamp", *ts);
    if (signature) req.headers.emplace_back("X-Slack-Signature", *signature);
    req.body = body;
    req.timeout = 10s;
    auto r = http_.perform(req);
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->status : 0;
  }

  long click(const std::string& action, const std::string& env, const std::string& user = "U_ALICE") {
    const auto body = payload_body(action, env, user);
    const auto ts = timestamp(now());
    return send(body, ts, slack::sign(settings_.signing_secret, ts, body));
  }

  slack::slack_settings settings_;
  metrics::registry metrics_;
  net::io_context io_{1};
  net::thread_pool workers_{2};
  std::unique_ptr<http::server> server_;
  std::thread io_thread_;
  http::curl_client http_;
};

TEST_F(interactions_kube, ExtendMovesTheShutdownAndUpdatesTheMessage) {
  const auto before = cronjob_schedule("dev1");
  ASSERT_EQ(click(std::string(slack::extend_1h_action), "dev1"), 200);
  ASSERT_TRUE(slack_.wait_for("/api/chat.update", 1));
  EXPECT_EQ(cronjob_schedule("dev1"), "0 20 27 11 *") << "was " << before;
  EXPECT_EQ(cronjob_schedule("dev2"), before) << "only the clicked environment moves";
  const auto update = slack_.posts_to("/api/chat.update").front().json;
  EXPECT_EQ(update.value("channel", ""), "C1");
  EXPECT_EQ(update.value("ts", ""), "1700000000.000001");
  const std::string blocks = update["blocks"].dump();
  EXPECT_NE(blocks.find("<@U_ALICE> extended `dev1` by 1 h"), std::string::npos) << blocks;
  EXPECT_NE(blocks.find("20:00"), std::string::npos) << blocks;
  // dev1's buttons are replaced by the note; dev2's stay.
  int button_blocks = 0;
  for (const auto& b : update["blocks"]) {
    if (b.value("type", "") == "actions") {
      ++button_blocks;
      EXPECT_EQ(b["elements"][0].value("value", ""), "dev2");
    }
  }
  EXPECT_EQ(button_blocks, 1);
}

TEST_F(interactions_kube, ExtendTwoHours) {
  ASSERT_EQ(click(std::string(slack::extend_2h_action), "dev2"), 200);
  ASSERT_TRUE(slack_.wait_for("/api/chat.update", 1));
  EXPECT_EQ(cronjob_schedule("dev2"), "0 21 27 11 *");
}

TEST_F(interactions_kube, StopNowScalesToZeroAndUpdatesTheMessage) {
  ASSERT_EQ(replicas("dev2", "web"), 2);
  ASSERT_EQ(click(std::string(slack::stop_now_action), "dev2"), 200);
  ASSERT_TRUE(slack_.wait_for("/api/chat.update", 1));
  EXPECT_EQ(replicas("dev2", "web"), 0);
  EXPECT_EQ(replicas("dev1", "web"), 2);
  const std::string blocks = slack_.posts_to("/api/chat.update").front().json["blocks"].dump();
  EXPECT_NE(blocks.find("<@U_ALICE> stopped `dev2` now."), std::string::npos) << blocks;
  const auto ns = get("/api/v1/namespaces/dev2");
  EXPECT_NE(ns.value(json::json_pointer("/metadata/annotations/devenv-scaler~1last-action"), std::string())
                .find("@someone via Slack"),
            std::string::npos);
}

TEST_F(interactions_kube, UnsignedForgedStaleAndReplayedAreRefused) {
  const auto schedule_before = cronjob_schedule("dev1");
  const auto body = payload_body(std::string(slack::stop_now_action), "dev1", "U_ALICE");
  const auto ts = timestamp(now());
  const auto good = slack::sign(settings_.signing_secret, ts, body);
  struct row {
    const char* name;
    std::string body;
    std::optional<std::string> ts;
    std::optional<std::string> signature;
  };
  const auto stale_ts = timestamp(now() - 301s);
  const row rows[] = {
      {"unsigned", body, ts, std::nullopt},
      {"no timestamp", body, std::nullopt, good},
      {"forged (another secret)", body, ts, slack::sign("not-the-secret", ts, body)},
      {"payload changed after signing", payload_body(std::string(slack::extend_2h_action), "dev1", "U_ALICE"),
       ts, good},
      {"stale timestamp", body, stale_ts, slack::sign(settings_.signing_secret, stale_ts, body)},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.name);
    EXPECT_EQ(send(r.body, r.ts, r.signature), 401);
  }
  // The genuine click once; the same signed request again is a replay.
  const auto extend = payload_body(std::string(slack::extend_1h_action), "dev2", "U_ALICE");
  const auto signature = slack::sign(settings_.signing_secret, ts, extend);
  EXPECT_EQ(send(extend, ts, signature), 200);
  ASSERT_TRUE(slack_.wait_for("/api/chat.update", 1));
  EXPECT_EQ(send(extend, ts, signature), 401);

  EXPECT_EQ(replicas("dev1", "web"), 2);
  EXPECT_EQ(cronjob_schedule("dev1"), schedule_before);
  EXPECT_EQ(slack_.posts_to("/api/chat.update").size(), 1u);
  EXPECT_EQ(slack_.posts().size(), 1u) << "refused requests reach nobody";
}

TEST_F(interactions_kube, DeniedUserIsToldAndNothingChanges) {
  const auto schedule_before = cronjob_schedule("dev1");
  ASSERT_EQ(click(std::string(slack::stop_now_action), "dev1", "U_MALLORY"), 200);
  ASSERT_EQ(click(std::string(slack::extend_1h_action), "dev1", "U_MALLORY"), 200);
  ASSERT_TRUE(slack_.wait_for("/response/click", 2));
  for (const auto& p : slack_.posts_to("/response/click")) {
    EXPECT_EQ(p.json.value("response_type", ""), "ephemeral");
    EXPECT_FALSE(p.json.value("replace_original", true));
  }
  EXPECT_EQ(replicas("dev1", "web"), 2);
  EXPECT_EQ(cronjob_schedule("dev1"), schedule_before);
  EXPECT_TRUE(slack_.posts_to("/api/chat.update").empty());
}

TEST_F(interactions_kube, WithoutABotTokenTheMessageIsReplacedThroughResponseUrl) {
  settings_.bot_token.clear();
  ASSERT_EQ(click(std::string(slack::extend_1h_action), "dev1"), 200);
  ASSERT_TRUE(slack_.wait_for("/response/click", 1));
  const auto post = slack_.posts_to("/response/click").front().json;
  EXPECT_TRUE(post.value("replace_original", false));
  EXPECT_NE(post.value("text", "").find("extended `dev1` by 1 h"), std::string::npos) << post.dump();
  EXPECT_TRUE(slack_.posts_to("/api/chat.update").empty());
  EXPECT_EQ(cronjob_schedule("dev1"), "0 20 27 11 *");
}

TEST_F(interactions_kube, ProtectedNamespaceIsUnreachable) {
  ASSERT_EQ(click(std::string(slack::stop_now_action), "kube-system", "U_ALICE"), 200);
  ASSERT_TRUE(slack_.wait_for("/response/click", 1));
  EXPECT_EQ(replicas("kube-system", "web"), 2);
  EXPECT_TRUE(slack_.posts_to("/api/chat.update").empty());
}

}  // namespace
}  // namespace devenv::notify::testing
