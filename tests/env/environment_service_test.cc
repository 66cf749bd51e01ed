#include "env/environment_service.h"

#include <gtest/gtest.h>

#include <chrono>

#include "core/rfc3339.h"
#include "env/testing/fake_workload_store.h"

namespace devenv::env {
namespace {

using testing::fake_workload_store;
using namespace std::chrono_literals;

constexpr auto deploy = workload_kind::deployment;
constexpr auto sts = workload_kind::statefulset;
const std::string saved_key(original_replicas_annotation);

const auto fixed_now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h;

struct seed_workload {
  workload_kind kind;
  std::string name;
  int replicas;
  std::map<std::string, std::string> annotations;
};

// A typical environment: Deployments and StatefulSets of several sizes, one intentionally at 0 and one
// excluded.
std::vector<seed_workload> typical() {
  return {{deploy, "web", 3, {}},
          {deploy, "api", 1, {}},
          {deploy, "worker", 2, {}},
          {deploy, "zero", 0, {}},
          {deploy, "pinned", 2, {{"devenv-scaler/exclude", "true"}}},
          {sts, "db", 1, {}},
          {sts, "cache", 2, {}}};
}

class service_test : public ::testing::Test {
 protected:
  void seed(const std::vector<seed_workload>& workloads, const std::string& ns = "dev1") {
    store_.add_namespace(ns);
    for (const auto& w : workloads) store_.add_workload(ns, w.kind, w.name, w.replicas, w.annotations);
  }

  environment_service make(service_options options = {}) {
    options.own_namespace = "devenv-scaler";
    return environment_service(
        store_, [] { return fixed_now; }, options,
        [this](env_action action, const result<operation_report>& r) {
          observed_.emplace_back(action,
                                 r.has_value() ? std::string("ok") : std::string(to_string(r.error().code)));
        });
  }

  // Every workload has exactly its seeded count and carries no saved-count annotation.
  void expect_original(const std::vector<seed_workload>& workloads, const std::string& ns = "dev1") {
    for (const auto& w : workloads) {
      EXPECT_EQ(store_.replicas(ns, w.kind, w.name), w.replicas) << w.name;
      if (!w.annotations.count(saved_key)) {
        EXPECT_FALSE(store_.annotation(ns, w.kind, w.name, saved_key)) << w.name;
      }
    }
  }

  // Every non-excluded workload is at 0, carrying its original count if it had one.
  void expect_stopped(const std::vector<seed_workload>& workloads, const std::string& ns = "dev1") {
    for (const auto& w : workloads) {
      if (w.annotations.count("devenv-scaler/exclude")) {
        EXPECT_EQ(store_.replicas(ns, w.kind, w.name), w.replicas) << w.name;
        EXPECT_FALSE(store_.annotation(ns, w.kind, w.name, saved_key)) << w.name;
        continue;
      }
      EXPECT_EQ(store_.replicas(ns, w.kind, w.name), 0) << w.name;
      auto saved = store_.annotation(ns, w.kind, w.name, saved_key);
      if (w.replicas > 0) {
        EXPECT_EQ(saved, std::to_string(w.replicas)) << w.name;
      } else {
        EXPECT_FALSE(saved) << w.name;
      }
    }
  }

  std::string ns_annotation(const std::string& key, const std::string& ns = "dev1") {
    auto annotations = store_.namespace_object(ns)["metadata"]["annotations"];
    return annotations.contains(key) ? annotations[key].get<std::string>() : std::string("<absent>");
  }

  const item_report& item(const operation_report& r, const std::string& name) {
    for (const auto& i : r.items) {
      if (i.name == name) return i;
    }
    ADD_FAILURE() << "no item " << name;
    return r.items.front();
  }

  fake_workload_store store_;
  std::vector<std::pair<env_action, std::string>> observed_;
  const action_origin alice_{"@alice", "slack"};
};

TEST_F(service_test, stop_then_start_restores_every_count_and_leaves_no_annotation) {
  const auto env = typical();
  seed(env);
  auto service = make();

  auto stopped = service.stop("dev1", alice_);
  ASSERT_TRUE(stopped) << stopped.error().message;
  EXPECT_TRUE(stopped->succeeded());
  EXPECT_EQ(stopped->ok, 5);       // web api worker db cache
  EXPECT_EQ(stopped->skipped, 2);  // zero, pinned
  EXPECT_EQ(stopped->failed, 0);
  EXPECT_EQ(item(*stopped, "web").from, 3);
  EXPECT_EQ(item(*stopped, "web").to, 0);
  EXPECT_EQ(item(*stopped, "zero").message, "intentionally at 0");
  EXPECT_EQ(item(*stopped, "pinned").message, "excluded");
  expect_stopped(env);
  EXPECT_EQ(ns_annotation("devenv-scaler/state"), "stopped");
  auto last = parse_last_action(ns_annotation("devenv-scaler/last-action"));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->action, "stop");
  EXPECT_EQ(last->actor, "@alice");
  EXPECT_EQ(last->source, "slack");
  EXPECT_EQ(last->outcome, "ok");
  EXPECT_EQ(last->time, fixed_now);

  auto started = service.start("dev1", alice_);
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_TRUE(started->succeeded());
  EXPECT_EQ(started->ok, 5);
  expect_original(env);
  EXPECT_EQ(ns_annotation("devenv-scaler/state"), "running");

  auto events = store_.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].first, "dev1");
  EXPECT_EQ(events[0].second.reason, "DevenvStopped");
  EXPECT_EQ(events[0].second.type, event_type::normal);
  EXPECT_EQ(events[0].second.time, fixed_now);
  EXPECT_NE(events[0].second.message.find("stop by @alice (slack): 5 changed, 2 skipped, 0 failed"),
            std::string::npos)
      << events[0].second.message;
  EXPECT_EQ(events[1].second.reason, "DevenvStarted");
  ASSERT_EQ(observed_.size(), 2u);
  EXPECT_EQ(observed_[0], std::make_pair(env_action::stop, std::string("ok")));
}

TEST_F(service_test, every_stop_patch_saves_the_count_in_the_same_patch_with_a_precondition) {
  seed({{deploy, "web", 3, {}}});
  auto service = make();
  ASSERT_TRUE(service.stop("dev1", alice_));
  auto bodies = store_.patch_bodies();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0]["spec"]["replicas"], 0);
  EXPECT_EQ(bodies[0]["metadata"]["annotations"][saved_key], "3");
  EXPECT_TRUE(bodies[0]["metadata"]["resourceVersion"].is_string());
}

TEST_F(service_test, second_stop_changes_nothing_and_keeps_saved_counts) {
  const auto env = typical();
  seed(env);
  auto service = make();
  ASSERT_TRUE(service.stop("dev1", alice_));
  const int patches = store_.patch_calls();
  auto again = service.stop("dev1", {"cronjob", "cronjob"});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->succeeded());
  EXPECT_EQ(again->ok, 0);
  EXPECT_EQ(again->skipped, 7);
  EXPECT_EQ(item(*again, "web").message, "already stopped");
  EXPECT_EQ(store_.patch_calls(), patches);
  expect_stopped(env);
  ASSERT_TRUE(service.start("dev1", alice_));
  expect_original(env);
}

TEST_F(service_test, stop_orders_deployments_first_and_start_statefulsets_first) {
  seed(typical());
  auto service = make();
  auto first_index_of = [](const std::vector<fake_workload_store::key>& applied, workload_kind kind) {
    for (std::size_t i = 0; i < applied.size(); ++i) {
      if (applied[i].first == kind) return i;
    }
    return applied.size();
  };
  auto last_index_of = [](const std::vector<fake_workload_store::key>& applied, workload_kind kind) {
    std::size_t last = 0;
    for (std::size_t i = 0; i < applied.size(); ++i) {
      if (applied[i].first == kind) last = i;
    }
    return last;
  };
  ASSERT_TRUE(service.stop("dev1", alice_));
  auto applied = store_.applied();
  ASSERT_EQ(applied.size(), 5u);
  EXPECT_LT(last_index_of(applied, deploy), first_index_of(applied, sts));

  ASSERT_TRUE(service.start("dev1", alice_));
  applied = store_.applied();
  std::vector<fake_workload_store::key> second(applied.begin() + 5, applied.end());
  ASSERT_EQ(second.size(), 5u);
  EXPECT_LT(last_index_of(second, sts), first_index_of(second, deploy));
}

TEST_F(service_test, patches_of_one_group_run_concurrently_within_the_bound) {
  std::vector<seed_workload> env;
  for (int i = 0; i < 6; ++i) env.push_back({deploy, "d" + std::to_string(i), i + 1, {}});
  seed(env);
  // Every patch waits (with a deadline) until three are in flight: only concurrent patches get there.
  store_.gate_patches(3, 10s);
  service_options options;
  options.max_concurrency = 3;
  auto service = make(options);
  auto r = service.stop("dev1", alice_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ok, 6);
  EXPECT_EQ(store_.max_in_flight(), 3);
  expect_stopped(env);
}

TEST_F(service_test, conflicts_are_re_read_and_re_planned) {
  const auto env = typical();
  seed(env);
  store_.conflict_first("web", 2);
  store_.conflict_first("db", 3);
  auto service = make();
  auto r = service.stop("dev1", alice_);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->succeeded());
  EXPECT_EQ(r->ok, 5);
  expect_stopped(env);
  store_.conflict_first("cache", 1);
  ASSERT_TRUE(service.start("dev1", alice_));
  expect_original(env);
}

TEST_F(service_test, endless_conflicts_give_up_after_the_bound_and_a_repeat_finishes) {
  const auto env = typical();
  seed(env);
  store_.conflict_first("web", 100);
  service_options options;
  options.max_conflict_retries = 3;
  auto service = make(options);
  auto r = service.stop("dev1", alice_);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->succeeded());
  EXPECT_EQ(r->failed, 1);
  EXPECT_EQ(item(*r, "web").outcome, item_outcome::failed);
  EXPECT_NE(item(*r, "web").message.find("still conflicting after 3 re-reads"), std::string::npos);
  EXPECT_EQ(store_.replicas("dev1", deploy, "web"), 3);
  EXPECT_FALSE(store_.annotation("dev1", deploy, "web", saved_key));

  store_.conflict_first("web", 0);
  auto repeat = service.stop("dev1", alice_);
  ASSERT_TRUE(repeat);
  EXPECT_TRUE(repeat->succeeded());
  EXPECT_EQ(repeat->ok, 1);
  expect_stopped(env);
}

TEST_F(service_test, a_concurrent_stop_that_wins_never_has_its_saved_count_overwritten) {
  seed({{deploy, "web", 3, {}}});
  // Between our read and our patch, another stop scales web to 0 and saves 3.
  bool raced = false;
  store_.on_patch([&](workload_kind kind, const std::string& name) {
    if (raced || name != "web") return;
    raced = true;
    store_.add_workload("dev1", kind, name, 0, {{saved_key, "3"}});
  });
  auto service = make();
  auto r = service.stop("dev1", alice_);
  ASSERT_TRUE(r);
  EXPECT_EQ(item(*r, "web").outcome, item_outcome::skipped);
  EXPECT_EQ(item(*r, "web").message, "already stopped");
  EXPECT_EQ(store_.annotation("dev1", deploy, "web", saved_key), "3");
  store_.on_patch({});
  ASSERT_TRUE(service.start("dev1", alice_));
  EXPECT_EQ(store_.replicas("dev1", deploy, "web"), 3);
}

TEST_F(service_test, a_manual_scale_during_stop_is_the_count_saved) {
  seed({{deploy, "web", 3, {}}});
  bool raced = false;
  store_.on_patch([&](workload_kind kind, const std::string& name) {
    if (raced) return;
    raced = true;
    store_.add_workload("dev1", kind, name, 5);
  });
  auto service = make();
  auto r = service.stop("dev1", alice_);
  ASSERT_TRUE(r);
  EXPECT_EQ(item(*r, "web").outcome, item_outcome::ok);
  EXPECT_EQ(item(*r, "web").from, 5);
  EXPECT_EQ(store_.annotation("dev1", deploy, "web", saved_key), "5");
}

TEST_F(service_test, a_workload_deleted_during_the_action_is_skipped) {
  seed({{deploy, "web", 3, {}}, {deploy, "api", 2, {}}});
  store_.conflict_first("api", 1);
  int api_patches = 0;
  store_.on_patch([&](workload_kind kind, const std::string& name) {
    // web disappears before its first PATCH; api after its first PATCH got a 409 and was re-read.
    if (name == "web" || (name == "api" && ++api_patches == 2)) store_.remove_workload("dev1", kind, name);
  });
  service_options options;
  options.max_concurrency = 1;
  auto service = make(options);
  auto r = service.stop("dev1", alice_);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->succeeded());
  EXPECT_EQ(r->skipped, 2);
  for (const auto& i : r->items) {
    EXPECT_EQ(i.outcome, item_outcome::skipped) << i.name;
    EXPECT_EQ(i.message, "deleted while the action ran") << i.name;
    EXPECT_EQ(i.from, i.to) << i.name;
  }
}

TEST_F(service_test, a_workload_scaled_up_by_hand_while_stopped) {
  const std::vector<seed_workload> env = {{deploy, "web", 3, {}}};
  seed(env);
  auto service = make();
  ASSERT_TRUE(service.stop("dev1", alice_));
  // Someone scales it up by hand; the saved annotation stays.
  store_.add_workload("dev1", deploy, "web", 5, {{saved_key, "3"}});

  auto again = service.stop("dev1", alice_);  // stop: back to 0, the original 3 is kept
  ASSERT_TRUE(again);
  EXPECT_EQ(item(*again, "web").outcome, item_outcome::ok);
  EXPECT_EQ(item(*again, "web").message, "scaled 5 -> 0, kept the saved count");
  EXPECT_EQ(store_.replicas("dev1", deploy, "web"), 0);
  EXPECT_EQ(store_.annotation("dev1", deploy, "web", saved_key), "3");

  store_.add_workload("dev1", deploy, "web", 5, {{saved_key, "3"}});
  ASSERT_TRUE(service.start("dev1", alice_));  // start: the saved count wins over the manual scale
  expect_original(env);
}

TEST_F(service_test, a_failing_workload_gives_a_partial_report_and_a_repeat_converges) {
  const auto env = typical();
  seed(env);
  store_.fail_always("db", errc::unavailable);
  auto service = make();
  auto r = service.stop("dev1", alice_);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->succeeded());
  EXPECT_EQ(r->ok, 4);
  EXPECT_EQ(r->failed, 1);
  EXPECT_EQ(item(*r, "db").outcome, item_outcome::failed);
  EXPECT_EQ(item(*r, "db").from, 1);
  EXPECT_EQ(item(*r, "db").to, 1);
  EXPECT_NE(item(*r, "db").message.find("injected failure for db"), std::string::npos);
  EXPECT_EQ(store_.replicas("dev1", sts, "db"), 1);
  EXPECT_EQ(ns_annotation("devenv-scaler/state"), "stopped");  // intent recorded: a repeat finishes it
  EXPECT_EQ(parse_last_action(ns_annotation("devenv-scaler/last-action"))->outcome, "partial");
  auto events = store_.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].second.reason, "DevenvPartialFailure");
  EXPECT_EQ(events[0].second.type, event_type::warning);
  EXPECT_NE(events[0].second.message.find("StatefulSet/db: injected failure for db"), std::string::npos);

  store_.heal("db");
  auto repeat = service.stop("dev1", alice_);
  ASSERT_TRUE(repeat);
  EXPECT_TRUE(repeat->succeeded());
  EXPECT_EQ(repeat->ok, 1);
  expect_stopped(env);
  ASSERT_TRUE(service.start("dev1", alice_));
  expect_original(env);
}

TEST_F(service_test, random_503s_converge_after_repeats_without_losing_a_count) {
  std::vector<seed_workload> env;
  for (int i = 0; i < 12; ++i) env.push_back({deploy, "d" + std::to_string(i), i % 4, {}});
  for (int i = 0; i < 8; ++i) env.push_back({sts, "s" + std::to_string(i), 1 + i % 3, {}});
  seed(env);
  store_.unavailable_fraction(0.3, 20261127);
  store_.conflict_first("d1", 1);
  store_.conflict_first("s2", 2);
  auto service = make();

  auto until_done = [&](env_action action) {
    int failures_seen = 0;
    for (int round = 0; round < 30; ++round) {
      auto r = service.run(action, "dev1", alice_);
      EXPECT_TRUE(r);
      if (!r) return failures_seen;
      failures_seen += r->failed;
      if (r->succeeded()) return failures_seen;
    }
    ADD_FAILURE() << to_string(action) << " did not converge";
    return failures_seen;
  };
  EXPECT_GT(until_done(env_action::stop), 0) << "the fault knob should have produced failures";
  expect_stopped(env);
  EXPECT_GT(until_done(env_action::start), 0);
  expect_original(env);
}

TEST_F(service_test, an_invalid_saved_annotation_is_reported_and_never_touched) {
  seed({{deploy, "web", 2, {{saved_key, "three"}}},
        {deploy, "api", 0, {{saved_key, "-1"}}},
        {sts, "db", 1, {}}});
  auto service = make();
  for (auto action : {env_action::stop, env_action::start, env_action::stop}) {
    auto r = service.run(action, "dev1", alice_);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->failed, 2);
    EXPECT_EQ(item(*r, "web").outcome, item_outcome::failed);
    EXPECT_NE(item(*r, "web").message.find("'three'"), std::string::npos) << item(*r, "web").message;
    EXPECT_EQ(store_.annotation("dev1", deploy, "web", saved_key), "three");
    EXPECT_EQ(store_.annotation("dev1", deploy, "api", saved_key), "-1");
    EXPECT_EQ(store_.replicas("dev1", deploy, "web"), 2);
    EXPECT_EQ(store_.replicas("dev1", deploy, "api"), 0);
  }
  EXPECT_EQ(store_.replicas("dev1", sts, "db"), 0);
}

TEST_F(service_test, when_everything_fails_the_recorded_state_is_left_alone) {
  seed({{deploy, "web", 3, {}}, {sts, "db", 1, {}}});
  auto service = make();
  ASSERT_TRUE(service.stop("dev1", alice_));
  ASSERT_EQ(ns_annotation("devenv-scaler/state"), "stopped");
  store_.fail_always("web", errc::forbidden);
  store_.fail_always("db", errc::forbidden);
  auto r = service.start("dev1", alice_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ok, 0);
  EXPECT_EQ(r->failed, 2);
  EXPECT_EQ(ns_annotation("devenv-scaler/state"), "stopped");
  auto last = parse_last_action(ns_annotation("devenv-scaler/last-action"));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->action, "start");
  EXPECT_EQ(last->outcome, "failed");
}

TEST_F(service_test, a_failed_namespace_record_is_a_warning_not_a_failure) {
  seed({{deploy, "web", 3, {}}});
  store_.fail_namespace_patches(true);
  auto service = make();
  auto r = service.stop("dev1", alice_);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->succeeded());
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("namespace annotations not written"), std::string::npos);
  EXPECT_EQ(store_.replicas("dev1", deploy, "web"), 0);
  EXPECT_EQ(store_.events().size(), 1u);
}

TEST_F(service_test, refuses_before_touching_anything) {
  seed({{deploy, "web", 3, {}}});
  store_.add_namespace("kube-system");
  store_.add_workload("kube-system", deploy, "coredns", 2);
  store_.add_namespace("devenv-scaler");
  auto service = make();
  struct refusal {
    std::string ns;
    errc code;
  };
  const refusal cases[] = {
      {"kube-system", errc::protected_namespace},      {"default", errc::protected_namespace},
      {"devenv-scaler", errc::protected_namespace},    {"../x", errc::invalid_argument},
      {std::string(300, 'a'), errc::invalid_argument}, {"nope", errc::not_found}};
  for (const auto& c : cases) {
    for (auto action : {env_action::stop, env_action::start}) {
      auto r = service.run(action, c.ns, alice_);
      ASSERT_FALSE(r) << c.ns;
      EXPECT_EQ(r.error().code, c.code) << c.ns;
    }
  }
  store_.fail_list(true);
  auto r = service.stop("dev1", alice_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::unavailable);
  EXPECT_EQ(store_.patch_calls(), 0);
  EXPECT_TRUE(store_.events().empty());
  EXPECT_EQ(store_.replicas("kube-system", deploy, "coredns"), 2);
  EXPECT_EQ(observed_.size(), 13u);
  EXPECT_EQ(observed_[0].second, "protected_namespace");
}

TEST_F(service_test, status_reports_state_workloads_and_last_action) {
  seed(typical());
  store_.add_namespace("kube-system");
  auto service = make();
  auto running = service.status("dev1");
  ASSERT_TRUE(running);
  EXPECT_EQ(running->state, env_state::running);
  EXPECT_FALSE(running->last);

  ASSERT_TRUE(service.stop("dev1", alice_));
  auto stopped = service.status("dev1");
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->state, env_state::stopped);
  EXPECT_EQ(stopped->recorded_state, "stopped");
  ASSERT_TRUE(stopped->last);
  EXPECT_EQ(stopped->last->actor, "@alice");
  EXPECT_EQ(stopped->last->time, fixed_now);
  ASSERT_EQ(stopped->workloads.size(), 7u);
  const auto& web = stopped->workloads[2];  // Deployments by name: api pinned web worker zero
  EXPECT_EQ(stopped->workloads[0].name, "api");
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.desired, 0);
  EXPECT_EQ(web.saved, 3);

  EXPECT_EQ(service.status("kube-system")->state, env_state::not_managed);
  EXPECT_EQ(service.status("nope")->state, env_state::not_found);
  EXPECT_EQ(service.status("../x").error().code, errc::invalid_argument);
}

TEST_F(service_test, list_shows_managed_environments_with_their_state) {
  seed(typical(), "dev1");
  seed({{deploy, "web", 1, {}}}, "dev2");
  store_.add_namespace("team-b", {{"scheduler", "disabled"}});
  store_.add_namespace("kube-system");
  store_.add_namespace("default");
  store_.add_namespace("devenv-scaler");
  auto service = make();
  ASSERT_TRUE(service.stop("dev2", alice_));
  auto list = service.list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].ns, "dev1");
  EXPECT_EQ((*list)[0].state, env_state::running);
  EXPECT_EQ((*list)[0].workloads, 7);
  EXPECT_EQ((*list)[1].ns, "dev2");
  EXPECT_EQ((*list)[1].state, env_state::stopped);
  EXPECT_EQ((*list)[2].ns, "team-b");
  EXPECT_EQ((*list)[2].schedule.mode, schedule_mode::suspended);
  EXPECT_EQ((*list)[2].workloads, 0);
  for (const auto& s : *list) EXPECT_TRUE(s.error.empty()) << s.ns;

  store_.fail_list(true);
  auto degraded = service.list();
  ASSERT_FALSE(degraded);
  EXPECT_EQ(degraded.error().code, errc::unavailable);
}

// list() and statuses() are polled (dashboard, REST list): the namespaces and one cluster-wide read of the
// workloads, never a read per environment.
TEST_F(service_test, views_of_every_environment_read_the_workloads_once) {
  for (int i = 0; i < 30; ++i) seed({{deploy, "web", 1, {}}, {sts, "db", 1, {}}}, "dev" + std::to_string(i));
  auto service = make();
  ASSERT_TRUE(service.list());
  auto statuses = service.statuses();
  ASSERT_TRUE(statuses);
  EXPECT_EQ(statuses->size(), 30u);
  EXPECT_EQ(store_.list_all_calls(), 2);
  EXPECT_EQ(store_.list_calls(), 0);
}

TEST_F(service_test, statuses_match_status_and_an_unreadable_namespace_does_not_hide_the_others) {
  seed(typical(), "dev1");
  seed({{deploy, "web", 1, {}}}, "dev2");
  seed({{deploy, "web", 1, {}}, {deploy, "broken", -1, {}}}, "dev3");
  store_.add_namespace("kube-system");
  auto service = make();
  ASSERT_TRUE(service.stop("dev2", alice_));
  auto all = service.statuses();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  for (const std::string ns : {"dev1", "dev2"}) {
    const auto& entry = (*all)[ns == "dev1" ? 0 : 1];
    EXPECT_EQ(entry.ns, ns);
    ASSERT_TRUE(entry.status) << ns;
    auto one = service.status(ns);
    ASSERT_TRUE(one);
    EXPECT_EQ(entry.status->state, one->state) << ns;
    EXPECT_EQ(entry.status->recorded_state, one->recorded_state) << ns;
    ASSERT_EQ(entry.status->workloads.size(), one->workloads.size()) << ns;
    for (std::size_t i = 0; i < one->workloads.size(); ++i) {
      EXPECT_EQ(entry.status->workloads[i].name, one->workloads[i].name) << ns;
      EXPECT_EQ(entry.status->workloads[i].desired, one->workloads[i].desired) << ns;
    }
  }
  EXPECT_EQ((*all)[1].status->state, env_state::stopped);
  EXPECT_EQ((*all)[2].ns, "dev3");
  ASSERT_FALSE((*all)[2].status);
  EXPECT_NE((*all)[2].status.error().message.find("broken"), std::string::npos) << (*all)[2].status.error().message;

  auto list = service.list();
  ASSERT_TRUE(list);
  EXPECT_TRUE((*list)[0].error.empty());
  EXPECT_FALSE((*list)[2].error.empty());
}

}  // namespace
}  // namespace devenv::env
