// cronjob_manager over the in-memory fake store: the desired CronJob's shape, converging per label
// (create, suspend, idempotence, drift repair, protected namespaces), prolongation, reset, after-hours
// one-shots and the next-shutdown view, including 409 retries and injected failures.
#include "schedule/cronjob_manager.h"

#include <gtest/gtest.h>

#include "core/rfc3339.h"
#include "schedule/fake_cronjob_store.h"
#include "schedule/test_time.h"

namespace devenv::schedule {
namespace {

using devenv::testing::wall;
using testing::fake_cronjob_store;
using namespace std::chrono_literals;

constexpr const char* berlin = "Europe/Berlin";

schedule_settings settings(std::string ca_configmap = {}) {
  schedule_input in;
  in.timezone = berlin;
  schedule_settings s;
  s.schedule = *make_schedule_config(in);
  s.cronjob.ca_configmap = std::move(ca_configmap);
  return s;
}

manager_options options() {
  manager_options o;
  o.protection = env::protection_policy(env::protection_policy::default_globs(), "devenv-scaler");
  return o;
}

std::string annotation(const json& cj, const std::string& key) {
  const auto& a = cj["metadata"].value("annotations", json::object());
  return a.value(key, std::string("<none>"));
}

// Friday 2026-11-27, 17:00 in Berlin (CET, UTC+1).
const auto friday_17 = wall(berlin, 2026, 11, 27, 17, 0);

class manager_test : public ::testing::Test {
 protected:
  fake_cronjob_store store_;
  cronjob_manager manager_{store_, settings(), options()};
};

TEST(CronJobShape, DesiredCronJobIsTheDesignedOne) {
  fake_cronjob_store store;
  for (const std::string ca : {"", "devenv-scaler-ca"}) {
    cronjob_manager manager(store, settings(ca), options());
    const json cj = manager.desired_cronjob("dev1", false);
    EXPECT_EQ(cj["metadata"]["name"], "devenv-shutdown");
    EXPECT_EQ(cj["metadata"]["labels"]["app.kubernetes.io/managed-by"], "devenv-scaler");
    const json& spec = cj["spec"];
    EXPECT_EQ(spec["schedule"], "0 19 * * 1-5");
    EXPECT_EQ(spec["timeZone"], berlin);
    EXPECT_EQ(spec["suspend"], false);
    EXPECT_EQ(spec["concurrencyPolicy"], "Forbid");
    EXPECT_EQ(spec["startingDeadlineSeconds"], 300);
    EXPECT_LE(spec["successfulJobsHistoryLimit"].get<int>(), 3);
    EXPECT_LE(spec["failedJobsHistoryLimit"].get<int>(), 3);
    const json& job = spec["jobTemplate"]["spec"];
    EXPECT_EQ(job["backoffLimit"], 2);
    const json& pod = job["template"]["spec"];
    EXPECT_EQ(pod["serviceAccountName"], "devenv-shutdown");
    EXPECT_EQ(pod["restartPolicy"], "Never");
    EXPECT_EQ(pod["securityContext"]["runAsNonRoot"], true);
    const json& c = pod["containers"][0];
    EXPECT_EQ(c["args"], json::array({"stop", "dev1"}));
    EXPECT_EQ(c["securityContext"]["readOnlyRootFilesystem"], true);
    std::map<std::string, std::string> env;
    for (const auto& e : c["env"]) env[e["name"]] = e["value"];
    EXPECT_EQ(env["DEVENV_SERVER"], "https://devenv-scaler.devenv-scaler.svc");
    EXPECT_EQ(env["DEVENV_TOKEN_FILE"], "/var/run/secrets/devenv-scaler/token");
    EXPECT_EQ(env.count("DEVENV_CA_FILE"), ca.empty() ? 0u : 1u);
    const json& token = pod["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"];
    EXPECT_EQ(token["audience"], "devenv-scaler");
    EXPECT_EQ(token["expirationSeconds"], 600);
    EXPECT_EQ(pod["volumes"].size(), ca.empty() ? 1u : 2u);
  }
}

TEST_F(manager_test, ConvergeCreatesPerLabelTable) {
  struct row {
    std::string ns;
    std::optional<std::string> label;
    bool suspended;
  };
  const std::vector<row> rows = {{"dev1", std::nullopt, false},
                                 {"dev2", "enabled", false},
                                 {"dev3", "disabled", true},
                                 {"dev4", "maybe", true}};
  for (const auto& r : rows) {
    store_.add_namespace(r.ns, r.label);
    auto out = manager_.converge(r.ns, friday_17);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->action, converge_action::created) << r.ns;
    EXPECT_EQ(out->suspended, r.suspended) << r.ns;
    auto cj = store_.cronjob(r.ns);
    ASSERT_TRUE(cj) << r.ns;
    EXPECT_EQ((*cj)["spec"]["suspend"], r.suspended) << r.ns;
    EXPECT_TRUE(store_.service_accounts.count(r.ns + "/devenv-shutdown")) << r.ns;
  }
}

TEST_F(manager_test, ConvergeIsIdempotentAndFollowsRelabels) {
  store_.add_namespace("dev1");
  ASSERT_EQ(manager_.converge("dev1", friday_17)->action, converge_action::created);
  EXPECT_EQ(manager_.converge("dev1", friday_17)->action, converge_action::unchanged);
  EXPECT_EQ(store_.patches, 0);

  store_.add_namespace("dev1", "disabled");
  EXPECT_EQ(manager_.converge("dev1", friday_17)->action, converge_action::patched);
  EXPECT_EQ((*store_.cronjob("dev1"))["spec"]["suspend"], true);
  EXPECT_EQ(manager_.converge("dev1", friday_17)->action, converge_action::unchanged);

  store_.add_namespace("dev1", "enabled");
  EXPECT_EQ(manager_.converge("dev1", friday_17)->action, converge_action::patched);
  EXPECT_EQ((*store_.cronjob("dev1"))["spec"]["suspend"], false);
  EXPECT_EQ(store_.creates, 1);  // kept and patched, never deleted and recreated
}

TEST_F(manager_test, ConvergeRepairsDriftAndSkipsProtectedOrMissing) {
  store_.add_namespace("dev1");
  ASSERT_TRUE(manager_.converge("dev1", friday_17));
  auto cj = *store_.cronjob("dev1");
  cj["spec"]["schedule"] = "*/5 * * * *";
  cj["spec"]["concurrencyPolicy"] = "Allow";
  cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"] = {"stop", "dev2"};
  store_.put_cronjob("dev1", cj);
  EXPECT_EQ(manager_.converge("dev1", friday_17)->action, converge_action::patched);
  cj = *store_.cronjob("dev1");
  EXPECT_EQ(cj["spec"]["schedule"], "0 19 * * 1-5");
  EXPECT_EQ(cj["spec"]["concurrencyPolicy"], "Forbid");
  EXPECT_EQ(cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"][1], "dev1");

  for (const std::string ns : {"kube-system", "default", "devenv-scaler"}) {
    store_.add_namespace(ns);
    auto out = manager_.converge(ns, friday_17);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->action, converge_action::skipped) << ns;
    EXPECT_FALSE(store_.cronjob(ns)) << ns;
  }
  auto missing = manager_.converge("nope", friday_17);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::not_found);
}

TEST_F(manager_test, ProlongWritesOneShotAndAnnotationsAndAddsUpToTheCap) {
  store_.add_namespace("dev1");
  ASSERT_TRUE(manager_.converge("dev1", friday_17));

  auto first = manager_.prolong("dev1", 1h, env_state::running, "@alice", friday_17);
  ASSERT_TRUE(first) << first.error().message;
  auto cj = *store_.cronjob("dev1");
  EXPECT_EQ(cj["spec"]["schedule"], "0 20 27 11 *");
  EXPECT_EQ(cj["spec"]["timeZone"], berlin);
  EXPECT_EQ(annotation(cj, "devenv-scaler/prolonged-until"), "2026-11-27T19:00:00Z");
  EXPECT_EQ(annotation(cj, "devenv-scaler/prolonged-by"), "@alice");
  EXPECT_EQ(first->description, "20:00 CET, in 3 h");

  auto second = manager_.prolong("dev1", 2h, env_state::running, "@bob", friday_17);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ((*store_.cronjob("dev1"))["spec"]["schedule"], "0 22 27 11 *");
  EXPECT_EQ(annotation(*store_.cronjob("dev1"), "devenv-scaler/prolonged-by"), "@bob");

  const auto before = *store_.cronjob("dev1");
  auto over = manager_.prolong("dev1", 2h, env_state::running, "@bob", friday_17);  // 19:00 + 5 h > 4 h
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, errc::invalid_argument);
  EXPECT_EQ(*store_.cronjob("dev1"), before);

  auto stopped = manager_.prolong("dev1", 30min, env_state::stopped, "@bob", friday_17);
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, errc::forbidden);

  // A live prolongation survives converging.
  EXPECT_EQ(manager_.converge("dev1", friday_17)->action, converge_action::unchanged);
  EXPECT_EQ((*store_.cronjob("dev1"))["spec"]["schedule"], "0 22 27 11 *");
}

TEST_F(manager_test, ProlongRetriesConflictsThenGivesUp) {
  store_.add_namespace("dev1");
  store_.conflicts_on_patch = 2;
  auto ok = manager_.prolong("dev1", 1h, env_state::running, "@alice", friday_17);  // creates, then patches
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ((*store_.cronjob("dev1"))["spec"]["schedule"], "0 20 27 11 *");

  store_.conflicts_on_patch = 100;
  auto lost = manager_.prolong("dev1", 1h, env_state::running, "@alice", friday_17);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, errc::conflict);
}

TEST_F(manager_test, ResetRestoresExpiredProlongationsOnlyAndIsIdempotent) {
  for (const std::string ns : {"dev1", "dev2", "dev3"}) {
    store_.add_namespace(ns);
    ASSERT_TRUE(manager_.converge(ns, friday_17));
  }
  ASSERT_TRUE(manager_.prolong("dev1", 2h, env_state::running, "@alice", friday_17));
  ASSERT_TRUE(manager_.prolong("dev3", 1h, env_state::running, "@carol", friday_17));
  // A CronJob in a protected namespace with our label is never touched.
  auto foreign = manager_.desired_cronjob("kube-system", false);
  foreign["spec"]["schedule"] = "0 1 1 1 *";
  store_.put_cronjob("kube-system", foreign);

  // Still Friday evening, 20:30: dev3's prolongation (20:00) has expired, dev1's (21:00) has not.
  const auto evening = wall(berlin, 2026, 11, 27, 20, 30);
  auto partial = manager_.reset_all(evening);
  ASSERT_TRUE(partial) << partial.error().message;
  EXPECT_EQ(partial->checked, 3);
  EXPECT_EQ(partial->reset, std::vector<std::string>{"dev3"});
  EXPECT_EQ((*store_.cronjob("dev1"))["spec"]["schedule"], "0 21 27 11 *");

  const auto saturday_6 = wall(berlin, 2026, 11, 28, 6, 0);
  auto morning = manager_.reset_all(saturday_6);
  ASSERT_TRUE(morning);
  EXPECT_EQ(morning->reset, std::vector<std::string>{"dev1"});
  const auto cj = *store_.cronjob("dev1");
  EXPECT_EQ(cj["spec"]["schedule"], "0 19 * * 1-5");
  EXPECT_EQ(annotation(cj, "devenv-scaler/prolonged-until"), "<none>");
  EXPECT_EQ(annotation(cj, "devenv-scaler/prolonged-by"), "<none>");
  EXPECT_EQ((*store_.cronjob("kube-system"))["spec"]["schedule"], "0 1 1 1 *");

  const int patches = store_.patches;
  auto again = manager_.reset_all(saturday_6);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->reset.empty());
  EXPECT_EQ(store_.patches, patches);
}

TEST_F(manager_test, ResetCollectsFailuresAndRetriesConflicts) {
  for (const std::string ns : {"dev1", "dev2"}) {
    store_.add_namespace(ns);
    ASSERT_TRUE(manager_.prolong(ns, 1h, env_state::running, "@a", friday_17));
  }
  const auto saturday_6 = wall(berlin, 2026, 11, 28, 6, 0);
  store_.conflicts_on_patch = 1;  // dev1 loses one race, then succeeds
  auto first = manager_.reset_all(saturday_6);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->reset.size(), 2u);

  ASSERT_TRUE(manager_.prolong("dev1", 1h, env_state::running, "@a", friday_17));
  store_.unavailable_on_patch = 1;
  auto second = manager_.reset_all(saturday_6);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->reset.empty());
  ASSERT_EQ(second->errors.size(), 1u);
  EXPECT_NE(second->errors[0].find("dev1"), std::string::npos);
}

TEST_F(manager_test, AfterHoursStartTable) {
  struct row {
    const char* name;
    std::chrono::system_clock::time_point now;
    std::optional<std::string> label;
    std::optional<std::string> schedule;  // none: no one-shot written
  };
  const std::vector<row> rows = {
      {"saturday morning", wall(berlin, 2026, 11, 28, 10, 0), std::nullopt, "0 12 28 11 *"},
      {"friday evening", wall(berlin, 2026, 11, 27, 21, 10), std::nullopt, "10 23 27 11 *"},
      {"working hours", wall(berlin, 2026, 11, 27, 10, 0), std::nullopt, std::nullopt},
      {"disabled label", wall(berlin, 2026, 11, 28, 10, 0), "disabled", std::nullopt},
  };
  int i = 0;
  for (const auto& r : rows) {
    const std::string ns = "dev" + std::to_string(++i);
    store_.add_namespace(ns, r.label);
    auto change = manager_.after_hours_start(ns, "api:ci", r.now);
    ASSERT_TRUE(change) << r.name << ": " << change.error().message;
    ASSERT_EQ(change->has_value(), r.schedule.has_value()) << r.name;
    const auto cj = store_.cronjob(ns);
    if (r.schedule) {
      ASSERT_TRUE(cj) << r.name;  // created on the way
      EXPECT_EQ((*cj)["spec"]["schedule"], *r.schedule) << r.name;
      EXPECT_EQ(annotation(*cj, "devenv-scaler/prolonged-until"), format_rfc3339((*change)->shutdown.at));
      EXPECT_EQ((*change)->shutdown.at, r.now + 2h) << r.name;
    } else if (cj) {
      EXPECT_EQ((*cj)["spec"]["schedule"], "0 19 * * 1-5") << r.name;
    }
  }
}

TEST_F(manager_test, NextShutdownView) {
  store_.add_namespace("dev1");
  store_.add_namespace("dev2", "disabled");
  const auto at_1645 = wall(berlin, 2026, 11, 27, 16, 45);
  auto none = manager_.next_shutdown("dev1", env_state::running, at_1645);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_cronjob);
  ASSERT_TRUE(manager_.converge("dev1", at_1645));
  ASSERT_TRUE(manager_.converge("dev2", at_1645));

  auto info = manager_.next_shutdown("dev1", env_state::running, at_1645);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->at, wall(berlin, 2026, 11, 27, 19, 0));
  EXPECT_EQ(info->local, "19:00 CET");
  EXPECT_EQ(info->relative, "in 2 h 15 min");
  EXPECT_FALSE(info->prolonged_until);

  ASSERT_TRUE(manager_.prolong("dev1", 30min, env_state::running, "@alice", at_1645));
  info = manager_.next_shutdown("dev1", env_state::running, at_1645);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->local, "19:30 CET");
  EXPECT_EQ(info->prolonged_by, "@alice");
  EXPECT_EQ(info->prolonged_until, wall(berlin, 2026, 11, 27, 19, 30));

  auto suspended = manager_.next_shutdown("dev2", env_state::running, at_1645);
  ASSERT_TRUE(suspended);
  EXPECT_TRUE(suspended->suspended);
  EXPECT_FALSE(suspended->at);

  auto all = manager_.read_all();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at("dev1").prolonged_by, "@alice");
}

TEST(CaDistribution, ConvergeWritesTheCaConfigMapKeepsItCurrentAndReportsFailures) {
  fake_cronjob_store store;
  std::string pem = "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n";
  manager_options o = options();
  o.ca_bundle = [&pem]() -> result<std::string> { return pem; };
  cronjob_manager manager(store, settings("devenv-scaler-ca"), o);
  store.add_namespace("dev1");
  store.add_namespace("dev2", "disabled");

  for (const char* ns : {"dev1", "dev2"}) {
    auto out = manager.converge(ns, friday_17);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->action, converge_action::created);
    EXPECT_EQ(store.configmaps[std::string(ns) + "/devenv-scaler-ca"].at("ca.crt"), pem) << ns;
  }
  // The periodic resync costs no API call while the CA is unchanged...
  const int calls = store.configmap_calls;
  ASSERT_TRUE(manager.converge("dev1", friday_17 + 10min));
  EXPECT_EQ(store.configmap_calls, calls);
  // ...a rotated CA spreads at the next converge, and the hourly re-check restores a deleted copy.
  pem = "-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n";
  ASSERT_TRUE(manager.converge("dev1", friday_17 + 20min));
  EXPECT_EQ(store.configmaps["dev1/devenv-scaler-ca"].at("ca.crt"), pem);
  store.configmaps.erase("dev1/devenv-scaler-ca");
  ASSERT_TRUE(manager.converge("dev1", friday_17 + 30min));
  EXPECT_FALSE(store.configmaps.count("dev1/devenv-scaler-ca"));
  ASSERT_TRUE(manager.converge("dev1", friday_17 + 90min));
  EXPECT_EQ(store.configmaps["dev1/devenv-scaler-ca"].at("ca.crt"), pem);

  // Protected namespaces get nothing; a refused write still converges the CronJob and names the ConfigMap.
  store.add_namespace("kube-system");
  ASSERT_TRUE(manager.converge("kube-system", friday_17));
  EXPECT_FALSE(store.configmaps.count("kube-system/devenv-scaler-ca"));
  store.add_namespace("dev3");
  store.fail_configmaps = true;
  auto refused = manager.converge("dev3", friday_17);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("dev3/devenv-scaler-ca"), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(store.cronjob("dev3"));
}

TEST(CaDistribution, NothingWithoutAConfigMapNameOrWithAnEmptyBundle) {
  fake_cronjob_store store;
  manager_options o = options();
  o.ca_bundle = []() -> result<std::string> { return std::string(); };
  cronjob_manager with_empty(store, settings("devenv-scaler-ca"), o);
  store.add_namespace("dev1");
  ASSERT_TRUE(with_empty.converge("dev1", friday_17));
  o.ca_bundle = []() -> result<std::string> { return std::string("PEM"); };
  cronjob_manager without_name(store, settings(), o);
  store.add_namespace("dev2");
  ASSERT_TRUE(without_name.converge("dev2", friday_17));
  EXPECT_TRUE(store.configmaps.empty());
  EXPECT_EQ(store.configmap_calls, 0);
}

TEST(ContainmentPatch, Table) {
  struct row {
    json current, desired, patch;
  };
  const std::vector<row> rows = {
      {{{"a", 1}, {"extra", 2}}, {{"a", 1}}, nullptr},
      {{{"a", 1}}, {{"a", 2}}, {{"a", 2}}},
      {{{"a", {{"b", 1}, {"c", 1}}}}, {{"a", {{"b", 2}}}}, {{"a", {{"b", 2}}}}},
      {{{"l", {{{"x", 1}, {"default", true}}}}}, {{"l", {{{"x", 1}}}}}, nullptr},
      {{{"l", {{{"x", 1}}}}}, {{"l", {{{"x", 1}}, {{"y", 1}}}}}, {{"l", {{{"x", 1}}, {{"y", 1}}}}}},
      {json::object(), {{"n", {{"m", 1}}}}, {{"n", {{"m", 1}}}}},
  };
  for (const auto& r : rows) EXPECT_EQ(containment_patch(r.current, r.desired), r.patch) << r.current.dump();
}

}  // namespace
}  // namespace devenv::schedule
