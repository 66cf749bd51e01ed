// Support pods against the real kube-sim process (port 0, temp dir), with kubectl as the judge: the service
// through kube_support_store (each size's resources, the lifetime field, duplicates, invalid names, the
// per-person limit, stop by owner/admin/anyone else, the list); /devenv support through the Slack routes
// (signed requests; inline replies and a late reply posted to the fake Slack); and the REST routes with
// bearer tokens (401/403/404/409/422).
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/rest_api.h"
#include "slack/form.h"
#include "core/rfc3339.h"
#include "env/kube_workload_store.h"
#include "http/curl_client.h"
#include "http/server.h"
#include "kube/client.h"
#include "kube/config.h"
#include "slack/bot/routes.h"
#include "slack/signature.h"
#include "support/fake_slack.h"
#include "support/kube_support_store.h"
#include "support/process.h"
#include "support/support_service.h"
#include "support/temp_dir.h"

namespace devenv::support {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* ns = "devenv-support";
const std::string ci_token = "ci-token-0123456789abcdef";
const std::string viewer_token = "viewer-token-0123456789ab";
const std::string admin_token = "admin-token-0123456789abc";

std::string seed_yaml() {
  return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: devenv-support\n"
         "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev1\n"
         // A pod in the support namespace that devenv-scaler did not create: never ours to delete.
         "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: devenv-support\n"
         "spec:\n  containers: [{name: main, image: nginx}]\n";
}

struct answer {
  long status = 0;
  std::string body;
  json j;
  std::string text() const { return j.is_object() ? j.dump() : body; }
};

class SupportPodsKube : public ::testing::Test {
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
    store_ = std::make_unique<kube_support_store>(*kube_);
    workloads_ = std::make_unique<env::kube_workload_store>(*kube_);
    env::service_options service;
    service.own_namespace = "devenv-scaler";
    environments_ = std::make_unique<env::environment_service>(
        *workloads_, [this] { return now_.load(); }, service);
    settings_.enabled = true;
    settings_.per_user_limit = 2;
    settings_.admins = {"U0ADMIN", "api:admin"};
    slack_settings_.enabled = true;
    slack_settings_.signing_secret = "test-signing-secret";
    slack_settings_.bot_token = "xoxb-test-token";
    slack_settings_.api_base_url = slack_.base_url();
    slack_settings_.response_url_prefixes = {slack_.url_prefix()};
    slack_settings_.access =
        slack::access_policy({{"support users", {"U0ALICE", "U0BOB", "U0ADMIN"}, {}, {}, {"*"}, {"support"}}},
                             {"default", {}, {}, {}, {"*"}, {"status", "list"}});
    auto tokens = api::token_authenticator::from_yaml(
        "tokens:\n"
        "  - {name: ci, token: " +
        ci_token +
        ", environments: ['*'], actions: [support]}\n"
        "  - {name: viewer, token: " +
        viewer_token +
        ", environments: ['*'], actions: [status]}\n"
        "  - {name: admin, token: " +
        admin_token + "}\n");
    ASSERT_TRUE(tokens) << tokens.error().message;
    tokens_ = std::move(*tokens);
  }

  void start() {
    service_ = std::make_unique<support_service>(*store_, settings_, [this] { return now_.load(); });
    slack::web_api_options o;
    o.base_url = slack_settings_.api_base_url;
    o.bot_token = slack_settings_.bot_token;
    o.response_url_prefixes = slack_settings_.response_url_prefixes;
    web_ = std::make_unique<slack::web_api_client>(o);
    auto router = std::make_shared<http::router>();
    slack::slack_context sctx;
    sctx.environments = environments_.get();
    sctx.workers = &workers_;
    sctx.metrics = &metrics_;
    sctx.wall_clock = [this] { return now_.load(); };
    sctx.settings = &slack_settings_;
    sctx.web = web_.get();
    sctx.support = service_.get();
    slack::add_slack_routes(*router, sctx);
    api::rest_context rctx;
    rctx.environments = environments_.get();
    rctx.workers = &workers_;
    rctx.tokens = &tokens_;
    rctx.metrics = &metrics_;
    rctx.now = [this] { return now_.load(); };
    rctx.support = service_.get();
    api::add_support_routes(*router, rctx);
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

  answer perform(http::client_request req) {
    req.url = "http://127.0.0.1:" + std::to_string(server_->port()) + req.url;
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

  answer slack(const std::string& text, const std::string& user, const std::string& response_id = "r") {
    const std::string body = "team_id=T1&channel_id=C_GENERAL&user_id=" + user + "&user_name=" + user +
                             "&command=%2Fdevenv&text=" + slack::encode_form_value(text) +
                             "&response_url=" + slack::encode_form_value(slack_.response_url(response_id)) +
                             "&trigger_id=1.2.3";
    const auto ts = std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(now_.load().time_since_epoch()).count());
    http::client_request req;
    req.method = "POST";
    req.url = "/slack/commands";
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"X-Slack-Request-Timestamp", ts},
                   {"X-Slack-Signature", slack::sign(slack_settings_.signing_secret, ts, body)}};
    req.body = body;
    return perform(req);
  }

  answer rest(const std::string& method, const std::string& path, const std::string& token,
              const std::string& body = {}) {
    http::client_request req;
    req.method = method;
    req.url = path;
    if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    req.body = body;
    return perform(req);
  }

  json pod(const std::string& name) {
    auto r = sim_->kubectl({"get", "pod", name, "-n", ns, "-o", "json"});
    if (r.exit_code != 0) return json();
    return json::parse(r.out, nullptr, false);
  }

  // Waits, with a deadline, for kube-sim to report `phase` for the pod.
  bool wait_for_phase(const std::string& name, const std::string& phase) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto p = kube_->get("/api/v1/namespaces/devenv-support/pods/" + name);
      if (p && (*p)["status"].value("phase", "") == phase) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  testing::temp_dir dir_{"support-pods"};
  std::unique_ptr<testing::kube_sim_process> sim_;
  std::unique_ptr<kube::client> kube_;
  std::unique_ptr<kube_support_store> store_;
  std::unique_ptr<env::kube_workload_store> workloads_;
  std::unique_ptr<env::environment_service> environments_;
  support_settings settings_;
  std::unique_ptr<support_service> service_;
  testing::fake_slack slack_;
  slack::slack_settings slack_settings_;
  std::unique_ptr<slack::web_api_client> web_;
  api::token_authenticator tokens_;
  metrics::registry metrics_;
  net::thread_pool workers_{4};
  net::io_context io_{1};
  std::unique_ptr<http::server> server_;
  std::thread io_thread_;
  // The wall clock the server sees; tests move it to read ages and times left exactly.
  std::atomic<std::chrono::system_clock::time_point> now_{std::chrono::system_clock::now()};
  http::curl_client http_;
};

TEST_F(SupportPodsKube, EachSizeGetsItsResourcesAndTheLifetime) {
  settings_.per_user_limit = 0;
  start();
  struct row {
    std::string size, cpu_request, cpu_limit, memory;
  };
  for (const auto& r : std::vector<row>{{"XS", "125m", "250m", "512Mi"},
                                        {"S", "250m", "500m", "1Gi"},
                                        {"M", "500m", "1", "2Gi"},
                                        {"L", "1", "2", "4Gi"},
                                        {"XL", "2", "4", "8Gi"}}) {
    SCOPED_TRACE(r.size);
    std::string name = "size-" + r.size;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto started = service_->start("U0ALICE", name, r.size);
    ASSERT_TRUE(started) << started.error().message;
    const auto p = pod(name);
    ASSERT_TRUE(p.is_object()) << "kubectl does not see " << name;
    const auto& res = p["spec"]["containers"][0]["resources"];
    EXPECT_EQ(res["requests"]["cpu"], r.cpu_request);
    EXPECT_EQ(res["limits"]["cpu"], r.cpu_limit);
    EXPECT_EQ(res["requests"]["memory"], r.memory);
    EXPECT_EQ(res["limits"]["memory"], r.memory);
    EXPECT_EQ(p["spec"]["activeDeadlineSeconds"], 12 * 3600);
    EXPECT_EQ(p["spec"]["restartPolicy"], "Never");
    EXPECT_EQ(p["metadata"]["labels"]["devenv-scaler/owner"], "U0ALICE");
    EXPECT_EQ(p["metadata"]["annotations"]["devenv-scaler/size"], r.size);
    EXPECT_TRUE(wait_for_phase(name, "Running"));
  }
  // kubectl finds them by the labels the service selects with.
  auto by_label = sim_->kubectl({"get", "pods", "-n", ns, "-l", "app.kubernetes.io/component=support-pod",
                                 "-o", "jsonpath={.items[*].metadata.name}"});
  EXPECT_EQ(by_label.out, "size-l size-m size-s size-xl size-xs");
}

TEST_F(SupportPodsKube, ServiceRefusesBadNamesDuplicatesAndTheLimit) {
  start();
  ASSERT_TRUE(service_->start("U0ALICE", "alice1", "S"));
  struct row {
    std::string owner, name, size;
    errc code;
  };
  for (const auto& r : std::vector<row>{{"U0ALICE", "Alice_2", "S", errc::invalid_argument},
                                        {"U0ALICE", "alice2", "XXL", errc::invalid_argument},
                                        {"U0BOB", "alice1", "S", errc::conflict},
                                        {"U0BOB", "web", "S", errc::conflict}}) {
    SCOPED_TRACE(r.name);
    auto s = service_->start(r.owner, r.name, r.size);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, r.code) << s.error().message;
  }
  ASSERT_TRUE(service_->start("U0ALICE", "alice2", "XS"));
  auto third = service_->start("U0ALICE", "alice3", "XS");
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, errc::forbidden);
  EXPECT_FALSE(pod("alice3").is_object());
  EXPECT_TRUE(service_->start("U0BOB", "bob1", "XS")) << "Bob has his own limit";
  // Stop: not Bob's; Alice's own; the admin's anybody's; never a pod that is not a support pod.
  auto refused = service_->stop("U0BOB", "alice1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::forbidden);
  EXPECT_TRUE(pod("alice1").is_object());
  EXPECT_TRUE(service_->stop("U0ALICE", "alice1"));
  EXPECT_FALSE(pod("alice1").is_object());
  EXPECT_TRUE(service_->stop("U0ADMIN", "alice2"));
  EXPECT_FALSE(pod("alice2").is_object());
  auto foreign = service_->stop("U0ADMIN", "web");
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().code, errc::not_found);
  EXPECT_TRUE(pod("web").is_object());
  auto list = service_->list();
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "bob1");
}

TEST_F(SupportPodsKube, SlackStartListStop) {
  start();
  auto started = slack("support start manage1 XL", "U0ALICE");
  ASSERT_EQ(started.status, 200) << started.body;
  const auto text = started.text();
  EXPECT_EQ(started.j["response_type"], "ephemeral");
  for (const std::string want : {"`manage1`", "XL", "CPU 2–4, memory 8Gi", "12 h", "<@U0ALICE>",
                                 "kubectl exec -it -n devenv-support manage1 -- sh"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " in " << text;
  }
  ASSERT_TRUE(pod("manage1").is_object());
  ASSERT_TRUE(wait_for_phase("manage1", "Running"));

  // The list at a known distance from the creation time the API server recorded.
  const auto created = parse_rfc3339(pod("manage1")["metadata"]["creationTimestamp"].get<std::string>());
  ASSERT_TRUE(created);
  now_ = *created + 5min;
  auto list = slack("support list", "U0BOB");
  ASSERT_EQ(list.status, 200) << list.body;
  for (const std::string want : {"1 support pod in `devenv-support`",
                                 "`manage1` · XL · <@U0ALICE> · age 5 min · Running · 11 h 55 min left"}) {
    EXPECT_NE(list.text().find(want), std::string::npos) << want << " in " << list.text();
  }

  // Errors: the grammar lists the sizes; a taken name and a foreign stop are explained; nothing changes.
  auto bad_size = slack("support start manage2 XXL", "U0ALICE");
  EXPECT_NE(bad_size.text().find("XS"), std::string::npos) << bad_size.text();
  EXPECT_NE(bad_size.text().find("XL"), std::string::npos) << bad_size.text();
  auto bad_name = slack("support start manage_2", "U0ALICE");
  EXPECT_NE(bad_name.text().find("is not a valid support pod name"), std::string::npos) << bad_name.text();
  auto duplicate = slack("support start manage1 S", "U0BOB");
  EXPECT_NE(duplicate.text().find("already exists"), std::string::npos) << duplicate.text();
  auto foreign = slack("support stop manage1", "U0BOB");
  EXPECT_NE(foreign.text().find("only its owner or an admin may stop it"), std::string::npos)
      << foreign.text();
  EXPECT_FALSE(pod("manage2").is_object());
  EXPECT_TRUE(pod("manage1").is_object());
  // Carol has no rule granting `support`.
  auto denied = slack("support list", "U0CAROL");
  EXPECT_NE(denied.text().find("You may not *support*"), std::string::npos) << denied.text();

  auto stopped = slack("support stop manage1", "U0ADMIN");
  EXPECT_NE(stopped.text().find("stopped by <@U0ADMIN>"), std::string::npos) << stopped.text();
  EXPECT_FALSE(pod("manage1").is_object());
  EXPECT_TRUE(slack_.posts_to("/response/r").empty()) << "fast answers come inline";
}

TEST_F(SupportPodsKube, SlowSlackAnswersArePostedToTheFakeSlack) {
  slack_settings_.fast_read_timeout = 0ms;  // every call misses the inline budget
  start();
  auto ack = slack("support start late1 M", "U0ALICE", "late");
  ASSERT_EQ(ack.status, 200) << ack.body;
  ASSERT_TRUE(slack_.wait_for("/response/late", 1));
  const auto posted = slack_.posts_to("/response/late").at(0).json.dump();
  EXPECT_NE(posted.find("kubectl exec -it -n devenv-support late1 -- sh"), std::string::npos) << posted;
  EXPECT_NE(posted.find("CPU 500m–1, memory 2Gi"), std::string::npos) << posted;
  EXPECT_TRUE(pod("late1").is_object());
}

TEST_F(SupportPodsKube, RestRoutes) {
  start();
  const auto created = rest("POST", "/api/v1/support-pods", ci_token, R"({"name":"api1","size":"L"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.j["owner"], "api:ci");
  EXPECT_EQ(created.j["size"], "L");
  EXPECT_EQ(created.j["resources"]["limits"]["memory"], "4Gi");
  EXPECT_EQ(created.j["lifetimeSeconds"], 12 * 3600);
  EXPECT_EQ(created.j["attach"], "kubectl exec -it -n devenv-support api1 -- sh");
  EXPECT_EQ(pod("api1")["metadata"]["annotations"]["devenv-scaler/owner"], "api:ci");

  struct row {
    std::string what, method, path, token, body;
    long status;
  };
  for (const auto& r : std::vector<row>{
           {"no token", "POST", "/api/v1/support-pods", "", R"({"name":"x1"})", 401},
           {"unknown token", "POST", "/api/v1/support-pods", "nope-0123456789abcdef", R"({"name":"x1"})",
            401},
           {"list without a token", "GET", "/api/v1/support-pods", "", "", 401},
           {"token without the support action", "POST", "/api/v1/support-pods", viewer_token,
            R"({"name":"x1"})", 403},
           {"not JSON", "POST", "/api/v1/support-pods", ci_token, "name=x1", 400},
           {"unknown field", "POST", "/api/v1/support-pods", ci_token, R"({"name":"x1","colour":"red"})",
            400},
           {"invalid name", "POST", "/api/v1/support-pods", ci_token, R"({"name":"X_1"})", 422},
           {"unknown size", "POST", "/api/v1/support-pods", ci_token, R"({"name":"x1","size":"XXL"})", 422},
           {"duplicate", "POST", "/api/v1/support-pods", admin_token, R"({"name":"api1"})", 409},
           {"delete without a token", "DELETE", "/api/v1/support-pods/api1", "", "", 401},
           {"delete by a token without support", "DELETE", "/api/v1/support-pods/api1", viewer_token, "",
            403},
           {"delete of a missing pod", "DELETE", "/api/v1/support-pods/nothing", ci_token, "", 404},
           {"delete of an invalid name", "DELETE", "/api/v1/support-pods/Bad_Name", ci_token, "", 422},
       }) {
    SCOPED_TRACE(r.what);
    const auto a = rest(r.method, r.path, r.token, r.body);
    EXPECT_EQ(a.status, r.status) << a.body;
    EXPECT_TRUE(a.j.is_object() && a.j.contains("message")) << a.body;
  }
  EXPECT_FALSE(pod("x1").is_object());
  auto unknown = rest("POST", "/api/v1/support-pods", ci_token, R"({"name":"x1","size":"XXL"})");
  EXPECT_NE(unknown.j.value("message", "").find("sizes: XS, S, M, L, XL"), std::string::npos) << unknown.body;

  ASSERT_EQ(rest("POST", "/api/v1/support-pods", ci_token, R"({"name":"api2"})").status, 201);
  const auto limit = rest("POST", "/api/v1/support-pods", ci_token, R"({"name":"api3"})");
  EXPECT_EQ(limit.status, 403) << limit.body;

  const auto listed = rest("GET", "/api/v1/support-pods", viewer_token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.j["namespace"], ns);
  ASSERT_EQ(listed.j["supportPods"].size(), 2u);
  EXPECT_EQ(listed.j["supportPods"][0]["name"], "api1");
  EXPECT_EQ(listed.j["supportPods"][1]["size"], "S");

  // Another token is not the owner; the admin token is.
  const auto not_owner = rest("POST", "/api/v1/support-pods", admin_token, R"({"name":"adm1","size":"XS"})");
  ASSERT_EQ(not_owner.status, 201);
  EXPECT_EQ(rest("DELETE", "/api/v1/support-pods/adm1", ci_token).status, 403);
  EXPECT_TRUE(pod("adm1").is_object());
  const auto deleted = rest("DELETE", "/api/v1/support-pods/api1", admin_token);
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.j["name"], "api1");
  EXPECT_FALSE(pod("api1").is_object());
  EXPECT_EQ(rest("DELETE", "/api/v1/support-pods/api2", ci_token).status, 200);
}

}  // namespace
}  // namespace devenv::support
