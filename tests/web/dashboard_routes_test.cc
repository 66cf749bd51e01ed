// GET /api/v1/dashboard and the dashboard page against the real kube-sim process (seeded with the demo
// cluster, port 0, temp dir), with kubectl as the judge of what the cluster holds: the environments, their
// replica totals and workloads, the next shutdown and prolongation from the real CronJobs, ETag/304, the
// access model (public by default, a token when dashboard.public is false), the optional AWS and support-pod
// sections (present only with their provider), and the page's Content-Security-Policy.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "api/rest_api.h"
#include "env/environment_service.h"
#include "env/kube_workload_store.h"
#include "http/curl_client.h"
#include "http/server.h"
#include "kube/client.h"
#include "kube/config.h"
#include "schedule/cronjob_manager.h"
#include "schedule/kube_cronjob_store.h"
#include "schedule/test_time.h"
#include "support/kube_support_store.h"
#include "support/process.h"
#include "support/support_service.h"
#include "support/temp_dir.h"

namespace devenv::api {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using devenv::testing::utc;

const std::string viewer_token = "viewer-secret-0123456789";

// A fake inventory: dev1 owns an EC2 instance and an RDS database; the inventory is 2 minutes old.
class fake_external : public env::external_resources {
 public:
  std::vector<env::resource_item> stop(std::string_view) override { return {}; }
  std::vector<env::resource_item> start(std::string_view) override { return {}; }
  env::external_status describe(std::string_view ns) override {
    env::external_status s;
    s.age = 120s;
    if (ns == "dev1") {
      s.resources = {{"ec2", "i-0abc", "t3.medium", "running"},
                     {"rds-instance", "dev1-db", "db.t3.micro", "available"}};
    }
    return s;
  }
};

// A support_store whose every call fails, as when the support namespace cannot be read.
class failing_support_store : public support::support_store {
 public:
  result<std::vector<json>> list_pods(std::string_view, std::string_view) override {
    return fail(errc::unavailable, "pods cannot be listed");
  }
  result<json> get_pod(std::string_view, std::string_view) override {
    return fail(errc::unavailable, "down");
  }
  result<json> create_pod(std::string_view, const json&) override { return fail(errc::unavailable, "down"); }
  result<void> delete_pod(std::string_view, std::string_view) override {
    return fail(errc::unavailable, "down");
  }
};

struct server_options {
  bool dashboard_public = true;
  bool with_aws = false;
  support::support_service* support = nullptr;
};

class dashboard_routes : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<devenv::testing::kube_sim_process>(
        dir_.path(),
        std::vector<std::string>{"--ready-delay", "0ms", "--seed",
                                 devenv::testing::source_path("tools/kube-sim/seeds/demo.yaml").string()});
    ASSERT_TRUE(sim_->ready()) << sim_->process().log();
    auto config = kube::load_kubeconfig(sim_->kubeconfig());
    ASSERT_TRUE(config) << config.error().message;
    kube::client_options options;
    options.qps = 0;
    kube_ = std::make_unique<kube::client>(*config, options);
    workloads_ = std::make_unique<env::kube_workload_store>(*kube_);
    cronjob_store_ = std::make_unique<schedule::kube_cronjob_store>(*kube_);
    schedule::schedule_input in;
    in.timezone = "Europe/Berlin";
    auto schedule = schedule::make_schedule_config(in);
    ASSERT_TRUE(schedule) << schedule.error().message;
    schedule::schedule_settings settings;
    settings.schedule = *schedule;
    schedule::manager_options mo;
    mo.protection = env::protection_policy(env::protection_policy::default_globs(), "devenv-scaler");
    manager_ = std::make_unique<schedule::cronjob_manager>(*cronjob_store_, settings, mo);
    auto tokens = token_authenticator::from_list("viewer:" + viewer_token);
    ASSERT_TRUE(tokens) << tokens.error().message;
    tokens_ = std::move(*tokens);
    for (const char* ns : {"dev1", "dev2", "dev3"}) {
      auto converged = manager_->converge(ns, now());
      ASSERT_TRUE(converged) << ns << ": " << converged.error().message;
    }
  }

  void TearDown() override {
    if (server_) {
      net::post(io_, [this] { server_->stop(0ms); });
      io_thread_.join();
    }
    workers_.join();
  }

  // Wednesday 2026-11-25 10:00 in Berlin (09:00 UTC): tonight's shutdown is 19:00 CET = 18:00 UTC.
  static std::chrono::system_clock::time_point now() { return utc(2026, 11, 25, 9, 0); }

  void start_server(server_options options = {}) {
    env::service_options so;
    so.own_namespace = "devenv-scaler";
    if (options.with_aws) so.external = &external_;
    environments_ = std::make_unique<env::environment_service>(
        *workloads_, [] { return now(); }, so);
    rest_context ctx;
    ctx.environments = environments_.get();
    ctx.workers = &workers_;
    ctx.tokens = &tokens_;
    ctx.metrics = &metrics_;
    ctx.schedules = manager_.get();
    ctx.now = [] { return now(); };
    ctx.dashboard_public = options.dashboard_public;
    ctx.support = options.support;
    auto router = std::make_shared<http::router>();
    add_environment_routes(*router, ctx);
    add_dashboard_routes(*router, ctx);
    server_ = std::make_unique<http::server>(io_, http::server_options{}, make_dispatcher(router, metrics_));
    server_->start();
    io_thread_ = std::thread([this] { io_.run(); });
  }

  http::client_response call(const std::string& method, const std::string& path,
                             std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::client_request req;
    req.method = method;
    req.url = "http://127.0.0.1:" + std::to_string(server_->port()) + path;
    req.headers = std::move(headers);
    auto r = http_.perform(req);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : http::client_response{};
  }

  json dashboard(std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto r = call("GET", "/api/v1/dashboard", std::move(headers));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  // What kubectl sees: namespace → (sum of spec.replicas, sum of status.readyReplicas, workload count).
  struct totals {
    int desired = 0;
    int ready = 0;
    int count = 0;
  };
  std::map<std::string, totals> kubectl_totals() {
    auto r = sim_->kubectl({"get", "deployments,statefulsets", "-A", "-o", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, totals> out;
    const auto list = json::parse(r.out);
    for (const auto& item : list["items"]) {
      auto& t = out[item["metadata"]["namespace"].get<std::string>()];
      t.desired += item["spec"].value("replicas", 1);
      t.ready += item.value("status", json::object()).value("readyReplicas", 0);
      ++t.count;
    }
    return out;
  }

  std::set<std::string> kubectl_environments() {
    auto r = sim_->kubectl({"get", "namespaces", "-o", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> out;
    const auto list = json::parse(r.out);
    for (const auto& item : list["items"]) {
      const auto name = item["metadata"]["name"].get<std::string>();
      if (name != "default" && name.rfind("kube-", 0) != 0 && name != "devenv-scaler") out.insert(name);
    }
    return out;
  }

  static const json& environment(const json& body, const std::string& name) {
    static const json none;
    for (const auto& e : body["environments"]) {
      if (e["name"] == name) return e;
    }
    ADD_FAILURE() << "no environment " << name << " in " << body.dump();
    return none;
  }

  devenv::testing::temp_dir dir_{"dashboard-routes"};
  std::unique_ptr<devenv::testing::kube_sim_process> sim_;
  std::unique_ptr<kube::client> kube_;
  std::unique_ptr<env::kube_workload_store> workloads_;
  std::unique_ptr<schedule::kube_cronjob_store> cronjob_store_;
  std::unique_ptr<schedule::cronjob_manager> manager_;
  std::unique_ptr<env::environment_service> environments_;
  fake_external external_;
  token_authenticator tokens_;
  metrics::registry metrics_;
  net::thread_pool workers_{2};
  net::io_context io_;
  std::unique_ptr<http::server> server_;
  std::thread io_thread_;
  http::curl_client http_;
};

TEST_F(dashboard_routes, ListsEveryEnvironmentAsKubectlSeesIt) {
  start_server();
  auto r = call("GET", "/api/v1/dashboard");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_NE(r.header("content-security-policy").find("default-src 'none'"), std::string::npos);
  EXPECT_FALSE(r.header("etag").empty());
  const json body = json::parse(r.body);
  EXPECT_EQ(body["timezone"], "Europe/Berlin");
  // Features that are not configured are absent, not empty.
  EXPECT_FALSE(body.contains("supportPods"));
  EXPECT_FALSE(body.contains("supportPodsError"));

  const auto expected = kubectl_environments();
  ASSERT_EQ(expected, (std::set<std::string>{"dev1", "dev2", "dev3"}));
  std::set<std::string> shown;
  for (const auto& e : body["environments"]) shown.insert(e["name"].get<std::string>());
  EXPECT_EQ(shown, expected);

  const auto kube = kubectl_totals();
  for (const auto& name : expected) {
    SCOPED_TRACE(name);
    const auto& e = environment(body, name);
    EXPECT_EQ(e["state"], "running");
    EXPECT_EQ(e["desired"], kube.at(name).desired);
    EXPECT_EQ(e["ready"], kube.at(name).ready);
    EXPECT_EQ(e["workloads"].size(), static_cast<std::size_t>(kube.at(name).count));
    EXPECT_FALSE(e.contains("aws"));
    ASSERT_TRUE(e.contains("nextShutdown"));
  }
  const auto& dev1 = environment(body, "dev1");
  EXPECT_EQ(dev1["nextShutdown"]["time"], "2026-11-25T18:00:00Z");
  EXPECT_NE(dev1["nextShutdown"]["local"].get<std::string>().find("19:00"), std::string::npos);
  EXPECT_EQ(dev1["nextShutdown"]["prolongedUntil"], nullptr);
  // dev3 carries scheduler=disabled in the demo seed.
  const auto& dev3 = environment(body, "dev3");
  EXPECT_EQ(dev3["scheduler"], "disabled");
  EXPECT_EQ(dev3["nextShutdown"]["suspended"], true);
}

TEST_F(dashboard_routes, EtagAnswers304UntilAStopChangesTheEnvironment) {
  start_server();
  auto first = call("GET", "/api/v1/dashboard");
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string etag(first.header("etag"));
  ASSERT_EQ(etag.front(), '"');

  struct row {
    std::string if_none_match;
    long status;
  };
  for (const auto& [header, status] : std::vector<row>{{etag, 304},
                                                       {"W/" + etag, 304},
                                                       {"\"other\", " + etag, 304},
                                                       {"*", 304},
                                                       {"\"other\"", 200},
                                                       {etag.substr(0, etag.size() - 2) + "\"", 200}}) {
    SCOPED_TRACE(header);
    auto r = call("GET", "/api/v1/dashboard", {{"If-None-Match", header}});
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.header("etag"), etag);
    if (status == 304) {
      EXPECT_TRUE(r.body.empty());
    }
  }

  const auto before = kubectl_totals().at("dev1");
  auto stop = call("POST", "/api/v1/environments/dev1/stop", {{"Authorization", "Bearer " + viewer_token}});
  ASSERT_EQ(stop.status, 200) << stop.body;
  auto after = call("GET", "/api/v1/dashboard", {{"If-None-Match", etag}});
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(after.header("etag"), etag);
  const json body = json::parse(after.body);
  const auto& dev1 = environment(body, "dev1");
  EXPECT_EQ(dev1["state"], "stopped");
  EXPECT_EQ(dev1["desired"], kubectl_totals().at("dev1").desired);
  EXPECT_EQ(dev1["lastAction"]["action"], "stop");
  EXPECT_EQ(dev1["lastAction"]["actor"], "api:viewer");
  // What a start will bring back: the saved counts of the workloads that were running.
  int saved = 0;
  int excluded_desired = 0;
  for (const auto& w : dev1["workloads"]) {
    if (w["excluded"].get<bool>()) {
      excluded_desired += w["desired"].get<int>();
    } else {
      EXPECT_EQ(w["desired"], 0) << w.dump();
      if (!w["saved"].is_null()) saved += w["saved"].get<int>();
    }
  }
  EXPECT_EQ(saved + excluded_desired, before.desired);
  // A stopped environment has no shutdown tonight.
  EXPECT_EQ(dev1["nextShutdown"]["time"], nullptr);
}

TEST_F(dashboard_routes, ProlongationShowsUntilWhenAndBy) {
  auto change = manager_->prolong("dev1", 90min, schedule::env_state::running, "@alice", now());
  ASSERT_TRUE(change) << change.error().message;
  start_server();
  const json body = dashboard();
  const auto& next = environment(body, "dev1")["nextShutdown"];
  EXPECT_EQ(next["prolongedUntil"], "2026-11-25T19:30:00Z");
  EXPECT_EQ(next["prolongedBy"], "@alice");
  EXPECT_EQ(next["time"], "2026-11-25T19:30:00Z");
  EXPECT_EQ(environment(body, "dev2")["nextShutdown"]["prolongedBy"], nullptr);
}

TEST_F(dashboard_routes, PrivateModeNeedsATokenButThePageStaysPublic) {
  start_server({.dashboard_public = false, .with_aws = false, .support = nullptr});
  struct row {
    std::string authorization;
    long status;
  };
  for (const auto& [authorization, status] :
       std::vector<row>{{"", 401}, {"Bearer wrong-token-0123456789", 401}, {"Bearer " + viewer_token, 200}}) {
    SCOPED_TRACE(authorization);
    std::vector<std::pair<std::string, std::string>> headers;
    if (!authorization.empty()) headers.emplace_back("Authorization", authorization);
    auto r = call("GET", "/api/v1/dashboard", headers);
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_FALSE(r.header("content-security-policy").empty());
    if (status == 401) {
      EXPECT_EQ(json::parse(r.body, nullptr, false).value("code", ""), "unauthorized") << r.body;
    } else {
      EXPECT_EQ(r.header("cache-control"), "private, no-cache");
    }
  }
  EXPECT_EQ(call("GET", "/").status, 200);
}

TEST_F(dashboard_routes, PageAndItsFilesAreServedWithAStrictPolicyAndNoInlineScript) {
  start_server();
  struct row {
    std::string path;
    std::string content_type;
  };
  for (const auto& [path, type] :
       std::vector<row>{{"/", "text/html; charset=utf-8"},
                        {"/dashboard/dashboard.js", "application/javascript; charset=utf-8"},
                        {"/dashboard/dashboard.css", "text/css; charset=utf-8"}}) {
    SCOPED_TRACE(path);
    auto r = call("GET", path);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), type);
    const std::string csp(r.header("content-security-policy"));
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  }
  const auto page = call("GET", "/").body;
  EXPECT_NE(page.find("<script src=\"/dashboard/dashboard.js\""), std::string::npos);
  // Every <script> has a src (the policy would block an inline one), and no element has an inline style.
  // (A plain scan: std::regex trips GCC 12's -Wmaybe-uninitialized at -O1 under -Werror.)
  std::size_t scripts = 0;
  for (auto at = page.find("<script"); at != std::string::npos; at = page.find("<script", at + 1)) {
    const auto tag = page.substr(at, page.find('>', at) - at);
    EXPECT_NE(tag.find(" src="), std::string::npos) << tag;
    ++scripts;
  }
  EXPECT_GE(scripts, 1u);
  EXPECT_EQ(page.find("style="), std::string::npos);
  EXPECT_EQ(call("GET", "/dashboard/missing.js").status, 404);
  EXPECT_EQ(call("POST", "/").status, 405);
}

TEST_F(dashboard_routes, AwsResourcesComeWithEachEnvironmentWhenConfigured) {
  start_server({.dashboard_public = true, .with_aws = true, .support = nullptr});
  const json body = dashboard();
  const auto& dev1 = environment(body, "dev1");
  ASSERT_TRUE(dev1.contains("aws")) << dev1.dump();
  EXPECT_EQ(dev1["aws"]["resources"],
            json::parse(R"([{"kind":"ec2","id":"i-0abc","type":"t3.medium","state":"running"},
                            {"kind":"rds-instance","id":"dev1-db","type":"db.t3.micro","state":"available"}])"));
  EXPECT_EQ(dev1["aws"]["ageSeconds"], 120);
  EXPECT_EQ(dev1["aws"]["stale"], false);
  // Configured but owning nothing: an empty list, which the page shows as "none".
  EXPECT_EQ(environment(body, "dev2")["aws"]["resources"], json::array());
}

TEST_F(dashboard_routes, SupportPodsAppearWhenConfigured) {
  ASSERT_EQ(sim_->kubectl({"create", "namespace", "devenv-support"}).exit_code, 0);
  support::kube_support_store store(*kube_);
  support::support_settings settings;
  settings.enabled = true;
  settings.ns = "devenv-support";
  support::support_service pods(store, settings, [] { return now(); });
  auto started = pods.start("U0ALICE", "manage1", "xl");
  ASSERT_TRUE(started) << started.error().message;
  start_server({.dashboard_public = true, .with_aws = false, .support = &pods});
  const json body = dashboard();
  ASSERT_TRUE(body.contains("supportPods")) << body.dump();
  ASSERT_EQ(body["supportPods"].size(), 1u) << body.dump();
  const auto& pod = body["supportPods"][0];
  EXPECT_EQ(pod["name"], "manage1");
  EXPECT_EQ(pod["namespace"], "devenv-support");
  EXPECT_EQ(pod["size"], "XL");
  EXPECT_EQ(pod["owner"], "U0ALICE");
  ASSERT_TRUE(pod["created"].is_string()) << pod.dump();
  ASSERT_TRUE(pod["expires"].is_string()) << pod.dump();
  // RFC 3339 UTC strings compare in time order.
  EXPECT_GT(pod["expires"].get<std::string>(), pod["created"].get<std::string>());
}

TEST_F(dashboard_routes, SupportPodsFailureIsReportedAndTheEnvironmentsStillShow) {
  failing_support_store store;
  support::support_settings settings;
  settings.enabled = true;
  support::support_service pods(store, settings, [] { return now(); });
  start_server({.dashboard_public = true, .with_aws = false, .support = &pods});
  const json body = dashboard();
  EXPECT_FALSE(body.contains("supportPods"));
  EXPECT_NE(body.value("supportPodsError", "").find("pods cannot be listed"), std::string::npos)
      << body.dump();
  EXPECT_EQ(body["environments"].size(), 3u);
}

}  // namespace
}  // namespace devenv::api
