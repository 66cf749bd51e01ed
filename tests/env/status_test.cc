#include "env/status.h"

#include <gtest/gtest.h>

#include <chrono>

#include "core/rfc3339.h"

namespace devenv::env {
namespace {

constexpr auto deploy = workload_kind::deployment;
constexpr auto sts = workload_kind::statefulset;

workload w(workload_kind kind, std::string name, int desired, int ready, std::optional<int> saved = {},
           bool excluded = false, bool current = true) {
  workload out;
  out.kind = kind;
  out.name = std::move(name);
  out.replicas = desired;
  out.ready_replicas = ready;
  out.saved_replicas = saved;
  out.excluded = excluded;
  out.status_current = current;
  return out;
}

namespace_info ns(std::map<std::string, std::string> annotations = {}) {
  return namespace_info{"dev1", true, {}, std::move(annotations), "1"};
}

struct state_case {
  const char* label;
  namespace_info info;
  bool is_protected;
  std::vector<workload> workloads;
  env_state want;
};

TEST(status, derives_every_state) {
  const state_case cases[] = {
      {"absent namespace", namespace_info{"dev1", false, {}, {}, {}}, false, {}, env_state::not_found},
      {"absent wins over protected",
       namespace_info{"kube-x", false, {}, {}, {}},
       true,
       {},
       env_state::not_found},
      {"protected namespace", ns(), true, {w(deploy, "a", 1, 1)}, env_state::not_managed},
      {"all ready", ns(), false, {w(deploy, "a", 2, 2), w(sts, "b", 1, 1)}, env_state::running},
      {"intentionally-zero workload does not stop a running env",
       ns(),
       false,
       {w(deploy, "a", 2, 2), w(deploy, "z", 0, 0)},
       env_state::running},
      {"one not ready yet", ns(), false, {w(deploy, "a", 2, 1), w(sts, "b", 1, 1)}, env_state::starting},
      {"status not current", ns(), false, {w(deploy, "a", 2, 2, {}, false, false)}, env_state::starting},
      {"all at 0 with saved counts",
       ns(),
       false,
       {w(deploy, "a", 0, 0, 2), w(sts, "b", 0, 0, 1)},
       env_state::stopped},
      {"all at 0, none saved", ns(), false, {w(deploy, "a", 0, 0)}, env_state::stopped},
      {"at 0 but pods still ready", ns(), false, {w(deploy, "a", 0, 1, 2)}, env_state::partly_running},
      {"partial stop", ns(), false, {w(deploy, "a", 0, 0, 2), w(sts, "b", 1, 1)}, env_state::partly_running},
      {"excluded running workload is ignored",
       ns(),
       false,
       {w(deploy, "a", 0, 0, 2), w(sts, "x", 1, 1, {}, true)},
       env_state::stopped},
      {"empty env, recorded stopped",
       ns({{"devenv-scaler/state", "stopped"}}),
       false,
       {},
       env_state::stopped},
      {"empty env, nothing recorded", ns(), false, {}, env_state::running},
      {"only excluded, recorded running",
       ns({{"devenv-scaler/state", "running"}}),
       false,
       {w(deploy, "x", 0, 0, {}, true)},
       env_state::running},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(derive_state(c.info, c.is_protected, c.workloads), c.want) << c.label;
  }
  EXPECT_EQ(to_string(env_state::partly_running), "partly running");
  EXPECT_EQ(to_string(env_state::not_managed), "not managed");
  EXPECT_EQ(to_string(env_state::not_found), "not found");
}

struct label_case {
  std::map<std::string, std::string> labels;
  schedule_mode mode;
  bool unexpected;
};

TEST(status, reads_the_scheduler_label) {
  const label_case cases[] = {
      {{}, schedule_mode::scheduled, false},
      {{{"scheduler", "enabled"}}, schedule_mode::scheduled, false},
      {{{"scheduler", "disabled"}}, schedule_mode::suspended, false},
      {{{"scheduler", "yes"}}, schedule_mode::suspended, true},
      {{{"scheduler", ""}}, schedule_mode::suspended, true},
      {{{"other", "disabled"}}, schedule_mode::scheduled, false},
  };
  for (const auto& c : cases) {
    auto got = read_schedule_label(c.labels, "scheduler");
    EXPECT_EQ(got.mode, c.mode);
    EXPECT_EQ(got.unexpected, c.unexpected);
  }
  EXPECT_EQ(read_schedule_label({{"team/sched", "disabled"}}, "team/sched").mode, schedule_mode::suspended);
}

TEST(status, parses_last_action_tolerantly) {
  struct parse_case {
    const char* text;
    bool present;
    const char* actor;
    bool has_time;
  };
  const parse_case cases[] = {
      {R"({"action":"stop","actor":"@alice","source":"slack","outcome":"ok","time":"2026-11-27T18:00:00Z"})",
       true, "@alice", true},
      {R"({"action":"stop","actor":"@alice","time":"yesterday"})", true, "@alice", false},
      {R"({"action":"stop","actor":42})", true, "", false},
      {R"({})", true, "", false},
      {"not json", false, "", false},
      {"[1,2]", false, "", false},
      {"", false, "", false},
      {R"({"action":"stop")", false, "", false},
  };
  for (const auto& c : cases) {
    auto got = parse_last_action(c.text);
    ASSERT_EQ(got.has_value(), c.present) << c.text;
    if (!got) continue;
    EXPECT_EQ(got->actor, c.actor) << c.text;
    EXPECT_EQ(got->time.has_value(), c.has_time) << c.text;
  }
  auto full = parse_last_action(cases[0].text);
  EXPECT_EQ(full->action, "stop");
  EXPECT_EQ(full->source, "slack");
  EXPECT_EQ(full->outcome, "ok");
  EXPECT_EQ(format_rfc3339(*full->time), "2026-11-27T18:00:00Z");
}

TEST(status, formats_last_action_that_parses_back) {
  last_action a{"start", "@bob \xff", "api", "partial",
                std::chrono::sys_days{std::chrono::year{2026} / 11 / 27}};
  auto text = format_last_action(a);
  auto back = parse_last_action(text);
  ASSERT_TRUE(back) << text;
  EXPECT_EQ(back->action, "start");
  EXPECT_EQ(back->source, "api");
  EXPECT_EQ(back->outcome, "partial");
  EXPECT_EQ(back->actor.rfind("@bob ", 0), 0u);  // invalid UTF-8 was replaced, not thrown
  EXPECT_EQ(*back->time, *a.time);
}

TEST(status, builds_the_status_value) {
  workload bad = w(deploy, "bad", 0, 0);
  bad.saved_annotation_invalid = true;
  bad.saved_annotation_raw = "-1";
  auto info = namespace_info{"dev1",
                             true,
                             {{"scheduler", "disabled"}},
                             {{"devenv-scaler/state", "stopped"},
                              {"devenv-scaler/last-action", R"({"action":"stop","actor":"cronjob"})"}},
                             "5"};
  auto s = make_status(info, false, {w(sts, "db", 0, 0, 1), w(deploy, "web", 0, 0, 3), bad}, "scheduler");
  EXPECT_EQ(s.ns, "dev1");
  EXPECT_EQ(s.state, env_state::stopped);
  EXPECT_EQ(s.schedule.mode, schedule_mode::suspended);
  EXPECT_EQ(s.recorded_state, "stopped");
  ASSERT_TRUE(s.last);
  EXPECT_EQ(s.last->actor, "cronjob");
  ASSERT_EQ(s.workloads.size(), 3u);
  EXPECT_EQ(s.workloads[0].name, "bad");
  EXPECT_TRUE(s.workloads[0].annotation_invalid);
  EXPECT_EQ(s.workloads[0].annotation_raw, "-1");
  EXPECT_EQ(s.workloads[1].name, "web");
  EXPECT_EQ(s.workloads[1].saved, 3);
  EXPECT_EQ(s.workloads[2].name, "db");
  EXPECT_EQ(s.workloads[2].kind, sts);

  auto garbage = info;
  garbage.annotations["devenv-scaler/last-action"] = "{{{";
  EXPECT_FALSE(make_status(garbage, false, {}, "scheduler").last.has_value());
}

}  // namespace
}  // namespace devenv::env
