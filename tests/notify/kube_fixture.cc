#include "notify/kube_fixture.h"

#include "kube/config.h"
#include "kube/paths.h"
#include "schedule/schedule_settings.h"
#include "schedule/test_time.h"

namespace devenv::notify::testing {

namespace {

std::string ns_yaml(const std::string& name, const std::string& metadata) {
  return "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n" + metadata;
}

std::string deployment_yaml(const std::string& ns) {
  return "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: " + ns +
         "\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n"
         "      labels: {app: web}\n    spec:\n      containers: [{name: main, image: nginx}]\n";
}

std::string seed_yaml() {
  std::string out;
  out += ns_yaml("dev1", "  annotations: {devenv-scaler/slack-channel: C1}\n");
  out += ns_yaml("dev2", "  annotations: {devenv-scaler/slack-channel: C1}\n");
  out += ns_yaml("dev3", "  annotations: {devenv-scaler/slack-channel: C2, devenv-scaler/owner: U0OWNER3}\n");
  out +=
      ns_yaml("dev4", "  labels: {scheduler: disabled}\n  annotations: {devenv-scaler/slack-channel: C1}\n");
  out += ns_yaml("kube-system", "");
  out += ns_yaml("devenv-scaler", "");  // the scaler's own (protected): holds the Lease
  for (const std::string ns : {"dev1", "dev2", "dev3", "dev4", "kube-system"}) out += deployment_yaml(ns);
  return out;
}

}  // namespace

time_point friday_shutdown() {
  return devenv::testing::wall("Europe/Berlin", 2026, 11, 27, 19, 0);
}

void notify_kube::SetUp() {
  now_ = friday_shutdown() - std::chrono::hours{3};
  const auto seed = dir_.write("seed.yaml", seed_yaml());
  sim_ = std::make_unique<devenv::testing::kube_sim_process>(
      dir_.path(), std::vector<std::string>{"--ready-delay", "0ms", "--seed", seed.string()});
  ASSERT_TRUE(sim_->ready()) << sim_->process().log();
  auto config = kube::load_kubeconfig(sim_->kubeconfig());
  ASSERT_TRUE(config) << config.error().message;
  kube::client_options options;
  options.qps = 0;
  api_ = std::make_unique<kube::client>(*config, options);

  cronjob_store_ = std::make_unique<schedule::kube_cronjob_store>(*api_);
  schedule::schedule_input in;
  in.timezone = "Europe/Berlin";
  schedule::schedule_settings settings;
  auto schedule_config = schedule::make_schedule_config(in);
  ASSERT_TRUE(schedule_config) << schedule_config.error().message;
  settings.schedule = *schedule_config;
  schedule::manager_options mo;
  mo.protection = env::protection_policy(env::protection_policy::default_globs(), "devenv-scaler");
  manager_ = std::make_unique<schedule::cronjob_manager>(*cronjob_store_, settings, mo);
  for (const std::string ns : {"dev1", "dev2", "dev3", "dev4"}) {
    auto converged = manager_->converge(ns, now());
    ASSERT_TRUE(converged) << ns << ": " << converged.error().message;
  }

  workloads_ = std::make_unique<env::kube_workload_store>(*api_);
  env::service_options so;
  so.own_namespace = "devenv-scaler";
  environments_ = std::make_unique<env::environment_service>(
      *workloads_, [this] { return now(); }, so);

  slack::web_api_options wo;
  wo.base_url = slack_.base_url();
  wo.bot_token = "xoxb-test-token";
  wo.response_url_prefixes = {slack_.url_prefix()};
  wo.backoff = std::chrono::milliseconds{1};
  web_ = std::make_unique<slack::web_api_client>(wo, nullptr, [this](std::chrono::milliseconds wait) {
    std::lock_guard lock(waits_mutex_);
    web_waits_.push_back(wait);
  });
}

std::unique_ptr<warning_runner> notify_kube::make_runner(std::function<bool()> is_leader) {
  runner_options o;
  o.notices.offsets = manager_->settings().schedule.warnings;
  o.notices.default_channel = "CDEFAULT";
  o.protection = env::protection_policy(env::protection_policy::default_globs(), "devenv-scaler");
  o.now = [this] { return now(); };
  o.sleep_until = [this](time_point until, const std::atomic<bool>&) {
    if (now() < until) set_now(until);
  };
  o.is_leader = std::move(is_leader);
  return std::make_unique<warning_runner>(*workloads_, *manager_, *web_, o);
}

json notify_kube::get(const std::string& path) {
  auto object = api_->get(path);
  EXPECT_TRUE(object) << path << ": " << object.error().message;
  return object ? *object : json();
}

std::string notify_kube::notified(const std::string& ns) {
  const auto object = get(kube::namespace_path(ns));
  return object.value(json::json_pointer("/metadata/annotations/devenv-scaler~1notified"), std::string());
}

std::string notify_kube::cronjob_schedule(const std::string& ns) {
  return get(kube::object_path(kube::resource::cronjobs, ns, "devenv-shutdown"))
      .value(json::json_pointer("/spec/schedule"), std::string());
}

int notify_kube::replicas(const std::string& ns, const std::string& deployment) {
  return get(kube::object_path(kube::resource::deployments, ns, deployment))
      .value(json::json_pointer("/spec/replicas"), -1);
}

void notify_kube::scheduled_stop(const std::string& ns) {
  const env::action_origin origin{"api:system:serviceaccount:" + ns + ":devenv-shutdown", "api"};
  auto report = environments_->stop(ns, origin);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_TRUE(report->succeeded());
}

std::vector<json> notify_kube::posted_messages() const {
  std::vector<json> out;
  for (const auto& p : slack_.posts_to("/api/chat.postMessage")) {
    if (p.answered == 200) out.push_back(p.json);
  }
  return out;
}

}  // namespace devenv::notify::testing
