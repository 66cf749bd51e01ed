// /slack/commands end to end: the routes on an http::server (port 0) over a real environment_service and
// kube_workload_store against the real kube-sim process, a fake Slack receiving response_url posts and Web
// API calls, and signed form posts sent with libcurl. kubectl (through kube-sim) and the fake Slack's
// records judge what happened.
#include "slack/bot/routes.h"
#include "slack/form.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "env/kube_workload_store.h"
#include "http/curl_client.h"
#include "kube/client.h"
#include "kube/config.h"
#include "schedule/kube_cronjob_store.h"
#include "schedule/schedule_settings.h"
#include "slack/signature.h"
#include "support/fake_slack.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::slack {
namespace {

// Slack writes a space as '+' in slash-command bodies; the tests send it so.
std::string form_escape(std::string_view text) {
  std::string out = encode_form_value(text);
  for (auto at = out.find("%20"); at != std::string::npos; at = out.find("%20", at + 1)) out.replace(at, 3, "+");
  return out;
}

using json = nlohmann::json;
using namespace std::chrono_literals;

const auto fixed_now =
    std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2026} / 11 / 27}} + 18h;

std::string workload_yaml(const std::string& kind, const std::string& ns, const std::string& name,
                          int replicas) {
  std::string extra = kind == "StatefulSet" ? "  serviceName: " + name + "\n" : "";
  return "---\napiVersion: apps/v1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\nspec:\n  replicas: " + std::to_string(replicas) + "\n" + extra +
         "  selector:\n    matchLabels: {app: " + name +
         "}\n  template:\n    metadata:\n      labels: {app: " + name +
         "}\n    spec:\n      containers: [{name: main, image: nginx}]\n";
}

std::string seed_yaml() {
  std::string out = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev1\n";
  out += workload_yaml("Deployment", "dev1", "web", 3);
  out += workload_yaml("Deployment", "dev1", "idle", 0);
  out += workload_yaml("StatefulSet", "dev1", "db", 1);
  out += "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev2\n";
  out += workload_yaml("Deployment", "dev2", "web", 2);
  out += workload_yaml("Deployment", "kube-system", "coredns", 2);
  return out;
}

struct answer {
  long status = 0;
  std::string body;
  json j;  // parsed when JSON
  std::string text() const { return j.is_object() ? j.dump() : body; }
};

class SlackRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto seed = dir_.write("seed.yaml", seed_yaml());
    sim_ = std::make_unique<testing::kube_sim_process>(
        dir_.path(), std::vector<std::string>{"--ready-delay", "0ms", "--seed", seed.string()});
    ASSERT_TRUE(sim_->ready()) << sim_->process().log();
    auto config = kube::load_kubeconfig(sim_->kubeconfig());
    ASSERT_TRUE(config) << config.error().message;
    kube::client_options options;
    options.qps = 0;
    kube_ = std::make_unique<kube::client>(*config, options);
    store_ = std::make_unique<env::kube_workload_store>(*kube_);
    env::service_options service;
    service.own_namespace = "devenv-scaler";
    environments_ = std::make_unique<env::environment_service>(
        *store_, [] { return fixed_now; }, service);

    settings_.enabled = true;
    settings_.signing_secret = "test-signing-secret";
    settings_.bot_token = "xoxb-test-token";
    settings_.api_base_url = slack_.base_url();
    settings_.response_url_prefixes = {slack_.url_prefix()};
    settings_.access = access_policy({{"backend", {"U_ALICE"}, {}, {}, {"dev*"}, {"stop", "start", "status"}},
                                      {"ops", {}, {"S_OPS"}, {}, {"*"}, {"*"}}},
                                     {"default", {}, {}, {}, {"*"}, {"status", "list"}});
    slack_.set_usergroup("S_OPS", {"U_OPS"});
  }

  void start() {
    web_api_options o;
    o.base_url = settings_.api_base_url;
    o.bot_token = settings_.bot_token;
    o.response_url_prefixes = settings_.response_url_prefixes;
    o.backoff = 1ms;
    web_ = std::make_unique<web_api_client>(o);
    groups_ = std::make_unique<usergroup_directory>(
        [this](std::string_view id) { return web_->usergroup_members(id); }, 60s,
        [] { return std::chrono::steady_clock::now(); });
    slack_context ctx;
    ctx.environments = environments_.get();
    ctx.workers = &workers_;
    ctx.metrics = &metrics_;
    ctx.wall_clock = [this] { return now_.load(); };
    ctx.settings = &settings_;
    ctx.web = web_.get();
    ctx.groups = groups_.get();
    ctx.schedules = schedules_;
    auto router = std::make_shared<http::router>();
    add_slack_routes(*router, ctx);
    server_ = std::make_unique<http::server>(io_, http::server_options{},
                                             [router](http::request& req) -> net::awaitable<http::response> {
                                               auto m = router->find(req.method, req.raw_path);
                                               if (!m.handler)
                                                 co_return http::response::text(m.status, "no\n");
                                               co_return co_await (*m.handler)(req, m.params);
                                             });
    server_->start();
    io_thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (server_) {
      net::post(io_, [this] { server_->stop(5s); });
      io_thread_.join();
    }
    workers_.join();
  }

  std::string form(const std::string& text, const std::string& user_id, const std::string& response_id,
                   const std::string& user_name = "alice") {
    return "token=legacy&team_id=T1&team_domain=acme&channel_id=C_GENERAL&channel_name=general&user_id=" +
           user_id + "&user_name=" + user_name + "&command=%2Fdevenv&text=" + form_escape(text) +
           "&api_app_id=A1&is_enterprise_install=false&response_url=" +
           form_escape(slack_.response_url(response_id)) + "&trigger_id=1.2.3&some_future_field=1";
  }

  answer send(const std::string& body, std::optional<std::string> timestamp,
              std::optional<std::string> signature) {
    http::client_request req;
    req.method = "POST";
    req.url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/slack/commands";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    if (timestamp) req.headers.emplace_back("X-Slack-Request-Timestamp", *timestamp);
    if (signature) req.headers.emplace_back("X-Slack-Signature", *signature);
    req.body = body;
    req.timeout = 10s;
    auto r = http_.perform(req);
    EXPECT_TRUE(r) << r.error().message;
    answer a;
    if (!r) return a;
    a.status = r->status;
    a.body = r->body;
    a.j = json::parse(r->body, nullptr, false);
    return a;
  }

  // A correctly signed post, as Slack would send it now.
  answer command(const std::string& text, const std::string& user_id = "U_ALICE",
                 const std::string& response_id = "r") {
    // Slack's user_name is the handle; derive one from the id so the audit trail shows whose it is.
    std::string handle = user_id.substr(user_id.find('_') + 1);
    for (auto& ch : handle) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const auto body = form(text, user_id, response_id, handle);
    const auto ts = timestamp(now_.load());
    return send(body, ts, sign(settings_.signing_secret, ts, body));
  }

  static std::string timestamp(std::chrono::system_clock::time_point t) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
  }

  int replicas(const std::string& ns, const std::string& kind_name) {
    auto r = sim_->kubectl({"get", kind_name, "-n", ns, "-o", "jsonpath={.spec.replicas}"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? std::stoi(r.out) : -1;
  }

  json namespace_annotations(const std::string& ns) {
    auto r = sim_->kubectl({"get", "namespace", ns, "-o", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out)["metadata"].value("annotations", json::object());
  }

  double background_started() {
    return metrics_.counter_value("devenv_slack_background_total",
                                  {{"task", "stop"}, {"result", "started"}}) +
           metrics_.counter_value("devenv_slack_background_total",
                                  {{"task", "start"}, {"result", "started"}});
  }

  testing::temp_dir dir_{"slack-routes"};
  std::unique_ptr<testing::kube_sim_process> sim_;
  std::unique_ptr<kube::client> kube_;
  std::unique_ptr<env::kube_workload_store> store_;
  std::unique_ptr<env::environment_service> environments_;
  testing::fake_slack slack_;
  slack_settings settings_;
  std::unique_ptr<web_api_client> web_;
  std::unique_ptr<usergroup_directory> groups_;
  schedule::cronjob_manager* schedules_ = nullptr;  // optional: tests of schedule-aware commands set it
  metrics::registry metrics_;
  net::thread_pool workers_{4};
  net::io_context io_{1};
  std::unique_ptr<http::server> server_;
  std::thread io_thread_;
  std::atomic<std::chrono::system_clock::time_point> now_{fixed_now};
  http::curl_client http_;
};

TEST_F(SlackRoutesTest, SlacksDocumentedExampleVerifiesAndGetsHelp) {
  // https://api.slack.com/authentication/verifying-requests-from-slack: its secret, timestamp, body and
  // signature, byte for byte. The text is empty, so the answer is the help.
  settings_.signing_secret = "8f742231b10e8888abcd99yyyzzz85a5";
  now_ = std::chrono::system_clock::time_point(std::chrono::seconds(1531420618));
  start();
  const std::string body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_"
      "name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url="
      "https%"
      "3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id="
      "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  auto a = send(body, "1531420618", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.j["response_type"], "ephemeral");
  EXPECT_NE(a.text().find("prolongate"), std::string::npos) << "help lists every command: " << a.body;
  EXPECT_EQ(metrics_.counter_value("devenv_slack_commands_total", {{"command", "help"}, {"result", "ok"}}),
            1);
}

TEST_F(SlackRoutesTest, RejectsUnverifiableRequestsWithoutSideEffects) {
  start();
  const auto body = form("stop dev1", "U_ALICE", "nope");
  const auto now_ts = timestamp(fixed_now);
  const auto good = sign(settings_.signing_secret, now_ts, body);
  std::string flipped = good;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  const struct {
    const char* name;
    std::string body;
    std::optional<std::string> ts;
    std::optional<std::string> sig;
    long status;
  } cases[] = {
      {"wrong secret", body, now_ts, sign("another-secret", now_ts, body), 401},
      {"stale timestamp", body, timestamp(fixed_now - 301s),
       sign(settings_.signing_secret, timestamp(fixed_now - 301s), body), 401},
      {"future timestamp", body, timestamp(fixed_now + 301s),
       sign(settings_.signing_secret, timestamp(fixed_now + 301s), body), 401},
      {"signature of another timestamp", body, timestamp(fixed_now - 1s), good, 401},
      {"missing timestamp header", body, std::nullopt, good, 401},
      {"missing signature header", body, now_ts, std::nullopt, 401},
      {"both headers missing", body, std::nullopt, std::nullopt, 401},
      {"one hex digit flipped", body, now_ts, flipped, 401},
      {"body changed after signing", body + "x", now_ts, good, 401},
      {"signature without v0=", body, now_ts, good.substr(3), 401},
      {"non-numeric timestamp", body, "abc", sign(settings_.signing_secret, "abc", body), 401},
      {"oversized body", body + "&pad=" + std::string(70'000, 'a'), now_ts,
       sign(settings_.signing_secret, now_ts, body + "&pad=" + std::string(70'000, 'a')), 413},
      {"non-UTF-8 text, correctly signed", form("stop dev1", "U_ALICE", "x") + "&extra=%FF%FE", now_ts,
       sign(settings_.signing_secret, now_ts, form("stop dev1", "U_ALICE", "x") + "&extra=%FF%FE"), 400},
      {"raw non-UTF-8 bytes, correctly signed", body + "&extra=\xC3\x28", now_ts,
       sign(settings_.signing_secret, now_ts, body + "&extra=\xC3\x28"), 400},
      {"signed but not a slash command", "a=1&b=2", now_ts, sign(settings_.signing_secret, now_ts, "a=1&b=2"),
       400},
  };
  for (const auto& c : cases) {
    auto a = send(c.body, c.ts, c.sig);
    EXPECT_EQ(a.status, c.status) << c.name << ": " << a.body;
  }

  // Replay: the very request Slack signed, sent again six minutes later.
  ASSERT_EQ(command("status dev1").status, 200);
  now_ = fixed_now + 6min;
  EXPECT_EQ(send(body, now_ts, good).status, 401) << "a replay outside the window must be refused";

  EXPECT_EQ(background_started(), 0) << "no refused request may start work";
  EXPECT_TRUE(slack_.posts_to("/response/*").empty());
  EXPECT_EQ(replicas("dev1", "deployment/web"), 3);
  EXPECT_FALSE(namespace_annotations("dev1").contains("devenv-scaler/last-action"));
  EXPECT_EQ(metrics_.counter_value("devenv_slack_commands_total",
                                   {{"command", "none"}, {"result", "unauthorized"}}),
            12);
}

TEST_F(SlackRoutesTest, StartOnASaturdaySchedulesItsOwnShutdown) {
  // Default schedule settings: UTC, shutdown 19:00, Monday to Friday.
  auto settings =
      schedule::parse_schedule_settings(YAML::Node(), [](std::string_view) { return std::nullopt; });
  ASSERT_TRUE(settings) << settings.error().message;
  schedule::kube_cronjob_store cronjob_store(*kube_);
  schedule::manager_options options;
  options.protection = environments_->protection();
  schedule::cronjob_manager manager(cronjob_store, *settings, options);
  schedules_ = &manager;
  now_ = std::chrono::sys_days{std::chrono::year{2026} / 11 / 28} + 12h;  // Saturday noon
  start();
  ASSERT_EQ(command("stop dev1", "U_ALICE", "sat-stop").status, 200);
  ASSERT_TRUE(slack_.wait_for("/response/sat-stop", 1));
  ASSERT_EQ(command("start dev1", "U_ALICE", "sat-start").status, 200);
  ASSERT_TRUE(slack_.wait_for("/response/sat-start", 1));
  const auto posted = slack_.posts_to("/response/sat-start").at(0).json.dump();
  EXPECT_NE(posted.find("Started outside working hours: it stops"), std::string::npos) << posted;
  auto cj =
      sim_->kubectl({"get", "cronjob", "devenv-shutdown", "-n", "dev1", "-o", "jsonpath={.spec.schedule}"});
  EXPECT_EQ(cj.out, "0 14 28 11 *") << "a one-shot two hours after the start, on that Saturday";
}

TEST_F(SlackRoutesTest, StopThenStartEndToEnd) {
  start();
  auto ack = command("stop dev1", "U_ALICE", "stop1");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.j["response_type"], "ephemeral");
  EXPECT_EQ(ack.j["text"], "Stopping `dev1`…");

  ASSERT_TRUE(slack_.wait_for("/response/stop1", 1));
  auto posted = slack_.posts_to("/response/stop1").at(0).json;
  EXPECT_EQ(posted["response_type"], "in_channel") << posted.dump();
  EXPECT_NE(posted.dump().find("<@U_ALICE> stopped `dev1`: 2 workloads changed"), std::string::npos)
      << posted.dump();
  EXPECT_LE(posted["blocks"].size(), 50u);

  EXPECT_EQ(replicas("dev1", "deployment/web"), 0);
  EXPECT_EQ(replicas("dev1", "statefulset/db"), 0);
  EXPECT_EQ(replicas("dev1", "deployment/idle"), 0);
  const auto annotations = namespace_annotations("dev1");
  ASSERT_TRUE(annotations.contains("devenv-scaler/last-action")) << annotations.dump();
  const auto last = json::parse(annotations["devenv-scaler/last-action"].get<std::string>());
  EXPECT_EQ(last["actor"], "@alice via Slack");
  EXPECT_EQ(last["source"], "slack");
  EXPECT_EQ(last["action"], "stop");
  auto events = sim_->kubectl({"get", "events", "-n", "dev1", "-o", "json"});
  EXPECT_NE(events.out.find("@alice via Slack"), std::string::npos) << events.out;

  // `Dev1`: people type capitals; namespaces are lowercase.
  ack = command("start Dev1", "U_ALICE", "start1");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.j["text"], "Starting `dev1`…");
  ASSERT_TRUE(slack_.wait_for("/response/start1", 1));
  EXPECT_NE(slack_.posts_to("/response/start1").at(0).json.dump().find("started `dev1`"), std::string::npos);
  EXPECT_EQ(replicas("dev1", "deployment/web"), 3);
  EXPECT_EQ(replicas("dev1", "statefulset/db"), 1);
  EXPECT_EQ(replicas("dev1", "deployment/idle"), 0) << "an intentionally idle workload stays at 0";
}

TEST_F(SlackRoutesTest, StatusAndListAnswerDirectly) {
  start();
  auto status = command("status dev1", "U_BOB", "s1");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.j["response_type"], "ephemeral");
  const auto text = status.text();
  EXPECT_NE(text.find("`dev1` is running"), std::string::npos) << text;
  EXPECT_NE(text.find("`web`: 3/3 ready"), std::string::npos) << text;
  EXPECT_NE(text.find("`db`: 1/1 ready"), std::string::npos) << text;

  auto list = command("list", "U_BOB", "l1");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.text().find("`dev1`"), std::string::npos) << list.text();
  EXPECT_NE(list.text().find("`dev2`"), std::string::npos) << list.text();
  EXPECT_EQ(list.text().find("kube-system"), std::string::npos) << "protected namespaces are not listed";

  auto missing = command("status nothere", "U_BOB", "s2");
  EXPECT_NE(missing.text().find("`nothere` is not found"), std::string::npos) << missing.text();
  EXPECT_TRUE(slack_.posts_to("/response/*").empty()) << "fast reads answer inline";
}

TEST_F(SlackRoutesTest, SlowReadsAreAcknowledgedAndPostedLater) {
  settings_.fast_read_timeout = 0ms;  // every read misses the inline budget
  start();
  auto a = command("status dev1", "U_BOB", "slow");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_NE(a.text().find("Looking up status"), std::string::npos) << a.text();
  ASSERT_TRUE(slack_.wait_for("/response/slow", 1));
  const auto posted = slack_.posts_to("/response/slow").at(0).json;
  EXPECT_EQ(posted["response_type"], "ephemeral");
  EXPECT_NE(posted.dump().find("`web`: 3/3 ready"), std::string::npos) << posted.dump();
}

TEST_F(SlackRoutesTest, HostileEnvironmentNamesNeverReachKubernetes) {
  start();
  const struct {
    std::string text;
    std::string user;
    const char* expected;
  } cases[] = {
      {"stop ../x", "U_OPS", "*Usage:*"},
      {"stop ..%2Fx", "U_OPS", "*Usage:*"},
      {"stop " + std::string(300, 'a'), "U_OPS", "*Usage:*"},
      {"stop kube-system", "U_OPS", "protected namespace"},
      {"start kube-system", "U_OPS", "protected namespace"},
      {"stop default", "U_OPS", "protected namespace"},
      {"stop devenv-scaler", "U_OPS", "protected namespace"},
      {"status kube-system", "U_BOB", "protected namespace"},
      {"stop <!channel>", "U_OPS", "*Usage:*"},
      {"stop dev1 dev2", "U_OPS", "*Usage:*"},
  };
  for (const auto& c : cases) {
    auto a = command(c.text, c.user, "h");
    ASSERT_EQ(a.status, 200) << c.text;
    EXPECT_EQ(a.j["response_type"], "ephemeral") << c.text;
    EXPECT_NE(a.text().find(c.expected), std::string::npos) << c.text << ": " << a.text();
    EXPECT_EQ(a.text().find("<!channel>"), std::string::npos) << "user input must be escaped: " << a.text();
  }
  EXPECT_EQ(background_started(), 0);
  EXPECT_EQ(replicas("kube-system", "deployment/coredns"), 2);
  EXPECT_FALSE(namespace_annotations("kube-system").contains("devenv-scaler/last-action"));
}

TEST_F(SlackRoutesTest, AccessRulesDecideAndDenialsAreExplained) {
  start();
  // Bob has only the default rule: he may look but not touch.
  auto denied = command("stop dev1", "U_BOB", "d1");
  ASSERT_EQ(denied.status, 200);
  EXPECT_EQ(denied.j["response_type"], "ephemeral");
  EXPECT_NE(denied.text().find("You may not *stop* `dev1`"), std::string::npos) << denied.text();
  EXPECT_NE(denied.text().find("rule *default*"), std::string::npos) << denied.text();
  EXPECT_EQ(background_started(), 0);

  // Alice's rule covers dev* only.
  auto outside = command("stop kube-public", "U_ALICE", "d2");
  EXPECT_NE(outside.text().find("protected"), std::string::npos) << outside.text();

  // U_OPS is in user group S_OPS (resolved through usergroups.users.list on the fake Slack).
  auto ops = command("stop dev2", "U_OPS", "ops");
  EXPECT_EQ(ops.j["text"], "Stopping `dev2`…") << ops.text();
  ASSERT_TRUE(slack_.wait_for("/response/ops", 1));
  EXPECT_EQ(replicas("dev2", "deployment/web"), 0);
  EXPECT_EQ(
      json::parse(namespace_annotations("dev2")["devenv-scaler/last-action"].get<std::string>())["actor"],
      "@ops via Slack");
  EXPECT_EQ(replicas("dev1", "deployment/web"), 3) << "Bob's denied stop changed nothing";
  EXPECT_GE(slack_.posts_to("/api/usergroups.users.list").size(), 1u);
  EXPECT_EQ(slack_.posts_to("/api/usergroups.users.list").at(0).headers.at("authorization"),
            "Bearer xoxb-test-token");
}

TEST_F(SlackRoutesTest, ASlowUserGroupLookupFailsClosedWithinSlacksWindow) {
  start();
  slack_.delay_next(1, 2500ms);  // usergroups.users.list answers after Slack's 3 s would be nearly gone
  const auto before = std::chrono::steady_clock::now();
  auto first = command("stop dev2", "U_OPS", "g1");
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s) << "the answer must not wait for the lookup";
  EXPECT_NE(first.text().find("You may not *stop*"), std::string::npos) << first.text();
  EXPECT_EQ(replicas("dev2", "deployment/web"), 2);

  // Slack answers promptly again: the same person is now allowed, and the change happens.
  auto again = command("stop dev2", "U_OPS", "g2");
  EXPECT_EQ(again.j["text"], "Stopping `dev2`…") << again.text();
  ASSERT_TRUE(slack_.wait_for("/response/g2", 1));
  EXPECT_EQ(replicas("dev2", "deployment/web"), 0);
}

TEST_F(SlackRoutesTest, HelpNearMissesAndFeaturesNotYetEnabled) {
  start();
  const struct {
    const char* text;
    const char* expected;
  } cases[] = {
      {"", "prolongate"},
      {"help", "support start"},
      {"help stop", "`stop &lt;env&gt;`"},
      {"stpo dev1", "Did you mean `stop`?"},
      {"frobnicate", "unknown command"},
      {"prolongate dev1 for 2h", "not enabled on this server"},
      {"prolongate dev1 for 2 parsecs", "*Usage:*"},
      {"support start pod1", "not enabled on this server"},
      {"support list", "not enabled on this server"},
  };
  for (const auto& c : cases) {
    auto a = command(c.text, "U_BOB", "h");
    ASSERT_EQ(a.status, 200) << c.text;
    EXPECT_EQ(a.j["response_type"], "ephemeral") << c.text;
    EXPECT_NE(a.text().find(c.expected), std::string::npos) << c.text << ": " << a.text();
  }
  EXPECT_TRUE(slack_.posts_to("/response/*").empty());
}

TEST_F(SlackRoutesTest, AFailedResponsePostIsCountedNotFatal) {
  start();
  // Resolve U_OPS's groups first, so the injected failures hit the response_url post, not the lookup.
  ASSERT_EQ(command("list", "U_OPS", "warm").status, 200);
  slack_.fail_next(4, 500);  // the first attempt and all three retries
  auto ack = command("stop dev2", "U_OPS", "lost");
  ASSERT_EQ(ack.status, 200);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (metrics_.counter_value("devenv_slack_response_posts_total", {{"result", "error"}}) < 1 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);  // polling a counter with a deadline: nothing to await on
  }
  EXPECT_EQ(metrics_.counter_value("devenv_slack_response_posts_total", {{"result", "error"}}), 1);
  EXPECT_EQ(replicas("dev2", "deployment/web"), 0) << "the work itself was done";
  EXPECT_EQ(command("status dev2", "U_BOB", "after").status, 200) << "the server still answers";
}

}  // namespace
}  // namespace devenv::slack
