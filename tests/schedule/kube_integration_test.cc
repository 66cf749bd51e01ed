// The I/O half of the nightly shutdown against the real kube-sim process (port 0, temp dir) with kubectl as
// the judge: the reconciler creates the designed CronJob per namespace and follows relabels, protected
// namespaces get none; the REST routes prolong (one-shot + annotations) and reset (idempotent); a
// service-account token minted for dev1's shutdown Job may stop dev1 and is refused for dev2; the webhook
// route answers malformed reviews with 400, does nothing for dry runs, and converges a namespace that
// appears only after admission.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "admission/admission_routes.h"
#include "api/rest_api.h"
#include "api/service_account_auth.h"
#include "env/environment_service.h"
#include "env/kube_workload_store.h"
#include "http/curl_client.h"
#include "http/server.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/paths.h"
#include "schedule/kube_cronjob_store.h"
#include "schedule/kube_namespace_reconciler.h"
#include "schedule/test_time.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::schedule {
namespace {

using namespace std::chrono_literals;
using devenv::testing::wall;

constexpr const char* berlin = "Europe/Berlin";
const std::string ci_token = "ci-secret-0123456789";

std::string seed_yaml() {
  std::string out;
  auto ns = [&](const std::string& name, const std::string& labels) {
    out += "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n" + labels;
  };
  ns("dev1", "");
  ns("dev2", "  labels: {scheduler: disabled}\n");
  ns("dev3", "");
  ns("kube-tools", "");
  for (const std::string n : {"dev1", "dev2"}) {
    out += "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: " + n +
           "\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n"
           "      labels: {app: web}\n    spec:\n      containers: [{name: main, image: nginx}]\n";
  }
  return out;
}

class schedule_kube : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto seed = dir_.write("seed.yaml", seed_yaml());
    sim_ = std::make_unique<devenv::testing::kube_sim_process>(
        dir_.path(), std::vector<std::string>{"--ready-delay", "0ms", "--seed", seed.string(),
                                              "--request-log", (dir_.path() / "requests.jsonl").string()});
    ASSERT_TRUE(sim_->ready()) << sim_->process().log();
    auto config = kube::load_kubeconfig(sim_->kubeconfig());
    ASSERT_TRUE(config) << config.error().message;
    kube::client_options options;
    options.qps = 0;
    api_ = std::make_unique<kube::client>(*config, options);
    store_ = std::make_unique<kube_cronjob_store>(*api_);
    schedule_input in;
    in.timezone = berlin;
    schedule_settings settings;
    settings.schedule = *make_schedule_config(in);
    manager_options mo;
    mo.protection = env::protection_policy(env::protection_policy::default_globs(), "devenv-scaler");
    manager_ = std::make_unique<cronjob_manager>(*store_, settings, mo);
    reconciler_options ro;
    ro.now = [this] { return now(); };
    reconciler_ = std::make_unique<namespace_reconciler>(*api_, *manager_, ro);

    workloads_ = std::make_unique<env::kube_workload_store>(*api_);
    env::service_options so;
    so.own_namespace = "devenv-scaler";
    environments_ = std::make_unique<env::environment_service>(
        *workloads_, [this] { return now(); }, so);
    auto tokens = api::token_authenticator::from_list("ci:" + ci_token);
    ASSERT_TRUE(tokens) << tokens.error().message;
    tokens_ = std::move(*tokens);
    api::service_account_options sa;
    sa.now = [this] { return now(); };
    service_accounts_ = std::make_unique<api::service_account_authenticator>(
        [this](const json& review) {
          return api_->create(kube::collection_path(kube::resource::tokenreviews), review);
        },
        sa);
  }

  void TearDown() override {
    if (server_) {
      net::post(io_, [this] { server_->stop(0ms); });
      io_thread_.join();
    }
    workers_.join();
  }

  std::chrono::system_clock::time_point now() const { return now_.load(); }

  void start_server() {
    api::rest_context ctx;
    ctx.environments = environments_.get();
    ctx.workers = &workers_;
    ctx.tokens = &tokens_;
    ctx.service_accounts = service_accounts_.get();
    ctx.schedules = manager_.get();
    ctx.now = [this] { return now(); };
    auto router = std::make_shared<http::router>();
    api::add_environment_routes(*router, ctx);
    admission::admission_context actx;
    actx.protection = env::protection_policy(env::protection_policy::default_globs(), "devenv-scaler");
    actx.cronjobs = manager_.get();
    actx.workers = &workers_;
    actx.now = [this] { return now(); };
    actx.initial_backoff = 50ms;
    actx.converge_attempts = 40;
    actx.on_converged = [this](const std::string& ns, const result<converge_result>& r, int attempts) {
      std::lock_guard lock(mutex_);
      converged_[ns] = {r ? std::string(to_string(r->action)) : "error: " + r.error().message, attempts};
      cv_.notify_all();
    };
    admission::add_admission_routes(*router, actx);
    http::handler handler = [router](http::request& req) -> net::awaitable<http::response> {
      auto m = router->find(req.method, req.raw_path);
      if (m.handler == nullptr) co_return http::response::text(m.status, "no route");
      co_return co_await (*m.handler)(req, m.params);
    };
    server_ = std::make_unique<http::server>(io_, http::server_options{}, handler);
    server_->start();
    io_thread_ = std::thread([this] { io_.run(); });
  }

  http::client_response post(const std::string& path, const std::string& body,
                             const std::string& token = {}) {
    http::client_request req;
    req.method = "POST";
    req.url = "http://127.0.0.1:" + std::to_string(server_->port()) + path;
    req.body = body;
    req.headers.emplace_back("Content-Type", "application/json");
    if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
    auto r = http_.perform(req);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : http::client_response{};
  }
  http::client_response get(const std::string& path) {
    http::client_request req;
    req.url = "http://127.0.0.1:" + std::to_string(server_->port()) + path;
    auto r = http_.perform(req);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : http::client_response{};
  }

  // kubectl get cronjob devenv-shutdown -n ns -o json (null when absent).
  json kubectl_cronjob(const std::string& ns) {
    auto r = sim_->kubectl({"get", "cronjob", "devenv-shutdown", "-n", ns, "-o", "json"});
    if (r.exit_code != 0) return nullptr;
    return json::parse(r.out);
  }

  std::pair<std::string, int> wait_converged(const std::string& ns) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, 30s, [&] { return converged_.count(ns) > 0; });
    return converged_.count(ns) ? converged_[ns] : std::pair<std::string, int>{"timeout", 0};
  }

  std::string mint_token(const std::string& ns, const std::string& account, const std::string& audience) {
    auto r = api_->create("/_sim/tokens", {{"namespace", ns},
                                           {"serviceAccount", account},
                                           {"audiences", {audience}},
                                           {"expirationSeconds", 600}});
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->value("token", "") : "";
  }

  devenv::testing::temp_dir dir_{"schedule-kube"};
  std::unique_ptr<devenv::testing::kube_sim_process> sim_;
  std::unique_ptr<kube::client> api_;
  std::unique_ptr<kube_cronjob_store> store_;
  std::unique_ptr<cronjob_manager> manager_;
  std::unique_ptr<namespace_reconciler> reconciler_;
  std::unique_ptr<env::kube_workload_store> workloads_;
  std::unique_ptr<env::environment_service> environments_;
  api::token_authenticator tokens_;
  std::unique_ptr<api::service_account_authenticator> service_accounts_;
  // Friday 2026-11-27 17:00 in Berlin; tests move it.
  std::atomic<std::chrono::system_clock::time_point> now_{wall(berlin, 2026, 11, 27, 17, 0)};

  net::thread_pool workers_{2};
  net::io_context io_;
  std::unique_ptr<http::server> server_;
  std::thread io_thread_;
  http::curl_client http_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, std::pair<std::string, int>> converged_;
};

TEST_F(schedule_kube, ReconcilerCreatesFollowsRelabelsAndSkipsProtected) {
  auto first = reconciler_->resync_once(now());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->failed, 0);
  EXPECT_EQ(first->changed, 3);  // dev1, dev2, dev3

  const json cj = kubectl_cronjob("dev1");
  ASSERT_FALSE(cj.is_null());
  EXPECT_EQ(cj["metadata"]["labels"]["app.kubernetes.io/managed-by"], "devenv-scaler");
  EXPECT_EQ(cj["spec"]["schedule"], "0 19 * * 1-5");
  EXPECT_EQ(cj["spec"]["timeZone"], berlin);
  EXPECT_EQ(cj["spec"]["concurrencyPolicy"], "Forbid");
  EXPECT_EQ(cj["spec"]["suspend"], false);
  const json& container = cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(container["args"], json::array({"stop", "dev1"}));
  EXPECT_EQ(kubectl_cronjob("dev2")["spec"]["suspend"], true);
  EXPECT_TRUE(kubectl_cronjob("kube-tools").is_null());
  EXPECT_EQ(sim_->kubectl({"get", "serviceaccount", "devenv-shutdown", "-n", "dev1"}).exit_code, 0);

  auto idle = reconciler_->resync_once(now());
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->changed, 0);

  ASSERT_EQ(sim_->kubectl({"label", "namespace", "dev1", "scheduler=disabled", "--overwrite"}).exit_code, 0);
  ASSERT_EQ(sim_->kubectl({"label", "namespace", "dev2", "scheduler=enabled", "--overwrite"}).exit_code, 0);
  auto relabelled = reconciler_->resync_once(now());
  ASSERT_TRUE(relabelled);
  EXPECT_EQ(relabelled->changed, 2);
  EXPECT_EQ(kubectl_cronjob("dev1")["spec"]["suspend"], true);
  EXPECT_EQ(kubectl_cronjob("dev2")["spec"]["suspend"], false);

  // The watch-driven loop converges a namespace created later, without a resync.
  std::atomic<bool> stop{false};
  reconciler_options ro;
  ro.now = [this] { return now(); };
  ro.resync_interval = 3600s;
  std::mutex m;
  std::condition_variable cv;
  bool seen = false;
  ro.on_converged = [&](const std::string& ns, const result<converge_result>& r) {
    std::lock_guard lock(m);
    if (ns == "dev7" && r && r->action == converge_action::created) seen = true;
    cv.notify_all();
  };
  namespace_reconciler watcher(*api_, *manager_, ro);
  std::thread loop([&] { watcher.run(stop); });
  ASSERT_EQ(sim_->kubectl({"create", "namespace", "dev7"}).exit_code, 0);
  {
    std::unique_lock lock(m);
    cv.wait_for(lock, 30s, [&] { return seen; });
  }
  stop = true;
  loop.join();
  EXPECT_TRUE(seen);
  EXPECT_FALSE(kubectl_cronjob("dev7").is_null());
}

TEST_F(schedule_kube, ProlongThenResetThroughTheRestApi) {
  ASSERT_TRUE(reconciler_->resync_once(now()));
  start_server();
  auto refused = post("/api/v1/environments/dev1/prolong", R"({"duration":"2hours and more"})", ci_token);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(post("/api/v1/environments/dev1/prolong", R"({"duration":"1h"})").status, 401);
  EXPECT_EQ(post("/api/v1/environments/dev1/prolong", R"({"duration":"9h"})", ci_token).status, 400);
  EXPECT_EQ(post("/api/v1/environments/nope/prolong", R"({"duration":"1h"})", ci_token).status, 404);

  auto ok = post("/api/v1/environments/dev1/prolong", R"({"duration":"1h"})", ci_token);
  ASSERT_EQ(ok.status, 200) << ok.body;
  const auto reply = json::parse(ok.body);
  EXPECT_EQ(reply["prolongedUntil"], "2026-11-27T19:00:00Z");
  EXPECT_EQ(reply["description"], "20:00 CET, in 3 h");
  json cj = kubectl_cronjob("dev1");
  EXPECT_EQ(cj["spec"]["schedule"], "0 20 27 11 *");
  EXPECT_EQ(cj["metadata"]["annotations"]["devenv-scaler/prolonged-until"], "2026-11-27T19:00:00Z");
  EXPECT_EQ(cj["metadata"]["annotations"]["devenv-scaler/prolonged-by"], "api:ci");

  auto status = json::parse(get("/api/v1/environments/dev1").body);
  EXPECT_EQ(status["nextShutdown"]["local"], "20:00 CET");
  EXPECT_EQ(status["nextShutdown"]["relative"], "in 3 h");
  EXPECT_EQ(status["nextShutdown"]["prolongedBy"], "api:ci");
  auto list = json::parse(get("/api/v1/environments").body);
  bool listed = false;
  for (const auto& e : list["environments"]) {
    if (e["name"] == "dev1") {
      listed = true;
      EXPECT_EQ(e["nextShutdown"]["time"], "2026-11-27T19:00:00Z");
    }
  }
  EXPECT_TRUE(listed) << list.dump();

  now_ = wall(berlin, 2026, 11, 28, 6, 0);
  auto reset = post("/api/v1/schedules/reset", "", ci_token);
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(json::parse(reset.body)["reset"], json::array({"dev1"}));
  cj = kubectl_cronjob("dev1");
  EXPECT_EQ(cj["spec"]["schedule"], "0 19 * * 1-5");
  EXPECT_FALSE(cj["metadata"].value("annotations", json::object()).contains("devenv-scaler/prolonged-until"));
  auto again = post("/api/v1/schedules/reset", "", ci_token);
  EXPECT_EQ(json::parse(again.body)["reset"], json::array());

  // Saturday 10:00: a manual start outside working hours gets a one-shot shutdown two hours later.
  now_ = wall(berlin, 2026, 11, 28, 10, 0);
  ASSERT_EQ(post("/api/v1/environments/dev1/stop", "", ci_token).status, 200);
  auto started = post("/api/v1/environments/dev1/start", "", ci_token);
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_EQ(json::parse(started.body)["afterHoursShutdown"]["description"], "12:00 CET, in 2 h")
      << started.body;
  EXPECT_EQ(kubectl_cronjob("dev1")["spec"]["schedule"], "0 12 28 11 *");
}

TEST_F(schedule_kube, ShutdownJobTokenStopsOnlyItsOwnNamespace) {
  start_server();
  const auto dev1 = mint_token("dev1", "devenv-shutdown", "devenv-scaler");
  ASSERT_FALSE(dev1.empty());
  auto own = post("/api/v1/environments/dev1/stop", "", dev1);
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(sim_->kubectl({"get", "deployment", "web", "-n", "dev1", "-o", "jsonpath={.spec.replicas}"}).out,
            "0");
  auto other = post("/api/v1/environments/dev2/stop", "", dev1);
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(sim_->kubectl({"get", "deployment", "web", "-n", "dev2", "-o", "jsonpath={.spec.replicas}"}).out,
            "2");
  EXPECT_EQ(post("/api/v1/environments/dev1/start", "", dev1).status, 403);  // stop only

  const auto wrong_audience = mint_token("dev1", "devenv-shutdown", "someone-else");
  EXPECT_EQ(post("/api/v1/environments/dev1/stop", "", wrong_audience).status, 401);
  const auto other_account = mint_token("dev1", "builder", "devenv-scaler");
  EXPECT_EQ(post("/api/v1/environments/dev1/stop", "", other_account).status, 403);
  EXPECT_EQ(post("/api/v1/environments/dev1/stop", "", "garbage").status, 401);
}

// What the CronJob's Job does: our CLI, `devenv-scaler stop <ns>`, with DEVENV_SERVER and DEVENV_TOKEN_FILE
// pointing at the projected token. It stops its own namespace and fails (non-zero exit) for another one.
TEST_F(schedule_kube, JobCommandStopsItsOwnNamespaceAndFailsForAnother) {
  const auto cli = devenv::testing::binary_path("src/app/devenv-scaler");
  ASSERT_TRUE(std::filesystem::exists(cli)) << cli;
  start_server();
  const auto token_file = dir_.write("token", mint_token("dev1", "devenv-shutdown", "devenv-scaler"));
  const auto job_env = std::map<std::string, std::string>{
      {"DEVENV_SERVER", "http://127.0.0.1:" + std::to_string(server_->port())},
      {"DEVENV_TOKEN_FILE", token_file.string()}};
  const auto own = devenv::testing::run_command({cli.string(), "stop", "dev1"}, job_env);
  EXPECT_EQ(own.exit_code, 0) << own.out << own.err;
  EXPECT_EQ(sim_->kubectl({"get", "deployment", "web", "-n", "dev1", "-o", "jsonpath={.spec.replicas}"}).out,
            "0");
  const auto other = devenv::testing::run_command({cli.string(), "stop", "dev2"}, job_env);
  EXPECT_NE(other.exit_code, 0) << other.out << other.err;
  EXPECT_EQ(sim_->kubectl({"get", "deployment", "web", "-n", "dev2", "-o", "jsonpath={.spec.replicas}"}).out,
            "2");
}

TEST_F(schedule_kube, WebhookMalformedDryRunAndLateNamespace) {
  start_server();
  EXPECT_EQ(post("/admission/namespaces", "{not json").status, 400);
  EXPECT_EQ(post("/admission/namespaces", R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"})")
                .status,
            400);
  auto review = [](const std::string& ns, bool dry_run) {
    return json{{"apiVersion", "admission.k8s.io/v1"},
                {"kind", "AdmissionReview"},
                {"request",
                 {{"uid", "uid-" + ns},
                  {"kind", {{"group", ""}, {"version", "v1"}, {"kind", "Namespace"}}},
                  {"name", ns},
                  {"operation", "CREATE"},
                  {"dryRun", dry_run},
                  {"object", {{"metadata", {{"name", ns}}}}}}}}
        .dump();
  };
  // dev3 exists without a CronJob: a dry run must not create one.
  auto dry = post("/admission/namespaces", review("dev3", true));
  ASSERT_EQ(dry.status, 200);
  EXPECT_EQ(json::parse(dry.body)["response"]["uid"], "uid-dev3");
  EXPECT_EQ(json::parse(dry.body)["response"]["allowed"], true);

  // dev5 does not exist yet (as during a real CREATE): the converge retries until it appears.
  auto late = post("/admission/namespaces", review("dev5", false));
  ASSERT_EQ(late.status, 200);
  EXPECT_EQ(json::parse(late.body)["response"]["patchType"], "JSONPatch");
  // Wait (with a deadline) until kube-sim has answered at least one lookup of the missing namespace.
  const auto log = dir_.path() / "requests.jsonl";
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  bool looked = false;
  while (!looked && std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line))
      looked = looked || line.find("/api/v1/namespaces/dev5") != std::string::npos;
    if (!looked) std::this_thread::sleep_for(20ms);  // polling a file written by another process
  }
  ASSERT_TRUE(looked);
  ASSERT_EQ(sim_->kubectl({"create", "namespace", "dev5"}).exit_code, 0);
  const auto [outcome, attempts] = wait_converged("dev5");
  EXPECT_EQ(outcome, "created");
  EXPECT_GE(attempts, 2);
  EXPECT_FALSE(kubectl_cronjob("dev5").is_null());

  {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(converged_.count("dev3"), 0u);
  }
  EXPECT_TRUE(kubectl_cronjob("dev3").is_null());
}

}  // namespace
}  // namespace devenv::schedule
