#include "env/planner.h"

#include <gtest/gtest.h>

#include <optional>
#include <variant>

namespace devenv::env {
namespace {

workload make(workload_kind kind, std::string name, int replicas, std::optional<int> saved = {},
              bool invalid = false, bool excluded = false) {
  workload w;
  w.kind = kind;
  w.name = std::move(name);
  w.replicas = replicas;
  w.ready_replicas = replicas;
  w.saved_replicas = saved;
  w.saved_annotation_invalid = invalid;
  if (invalid) w.saved_annotation_raw = "three";
  w.excluded = excluded;
  w.resource_version = "rv-" + w.name;
  return w;
}

constexpr auto deploy = workload_kind::deployment;
constexpr auto sts = workload_kind::statefulset;

// Expected decision for one workload: a step (target, annotation change, saved value) or a skip reason.
struct expected_step {
  int target;
  annotation_change annotation;
  int saved_value;
};
using expected = std::variant<expected_step, skip_reason>;

struct decision_case {
  const char* label;
  env_action action;
  workload w;
  expected want;
};

TEST(planner, decides_each_workload_by_the_rules_in_the_header) {
  const decision_case cases[] = {
      {"stop 3 saves 3", env_action::stop, make(deploy, "a", 3), expected_step{0, annotation_change::set, 3}},
      {"stop 1 saves 1", env_action::stop, make(sts, "a", 1), expected_step{0, annotation_change::set, 1}},
      {"stop at 0 without saved count stays", env_action::stop, make(deploy, "a", 0),
       skip_reason::intentionally_zero},
      {"stop of a stopped one is a no-op", env_action::stop, make(deploy, "a", 0, 3),
       skip_reason::already_stopped},
      {"stop keeps the saved count of one scaled by hand", env_action::stop, make(deploy, "a", 5, 3),
       expected_step{0, annotation_change::none, 0}},
      {"stop leaves excluded alone", env_action::stop, make(deploy, "a", 3, {}, false, true),
       skip_reason::excluded},
      {"stop refuses an invalid annotation", env_action::stop, make(deploy, "a", 3, {}, true),
       skip_reason::invalid_annotation},
      {"stop refuses an invalid annotation at 0", env_action::stop, make(deploy, "a", 0, {}, true),
       skip_reason::invalid_annotation},
      {"start restores 3", env_action::start, make(deploy, "a", 0, 3),
       expected_step{3, annotation_change::remove, 0}},
      {"start restores 1", env_action::start, make(sts, "a", 0, 1),
       expected_step{1, annotation_change::remove, 0}},
      {"start of a saved 0 restores 0", env_action::start, make(sts, "a", 0, 0),
       expected_step{0, annotation_change::remove, 0}},
      {"start at 0 without saved count stays", env_action::start, make(deploy, "a", 0),
       skip_reason::intentionally_zero},
      {"start of a running one is a no-op", env_action::start, make(deploy, "a", 2),
       skip_reason::already_running},
      {"start restores the saved count over a manual scale", env_action::start, make(deploy, "a", 5, 3),
       expected_step{3, annotation_change::remove, 0}},
      {"start with replicas equal to saved only drops the annotation", env_action::start,
       make(deploy, "a", 3, 3), expected_step{3, annotation_change::remove, 0}},
      {"start leaves excluded alone even with a saved count", env_action::start,
       make(deploy, "a", 0, 3, false, true), skip_reason::excluded},
      {"start refuses an invalid annotation", env_action::start, make(deploy, "a", 0, {}, true),
       skip_reason::invalid_annotation},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    auto got = decide(c.action, c.w);
    if (auto* want = std::get_if<expected_step>(&c.want)) {
      ASSERT_TRUE(std::holds_alternative<plan_step>(got));
      const auto& s = std::get<plan_step>(got);
      EXPECT_EQ(s.kind, c.w.kind);
      EXPECT_EQ(s.name, c.w.name);
      EXPECT_EQ(s.from_replicas, c.w.replicas);
      EXPECT_EQ(s.target_replicas, want->target);
      EXPECT_EQ(s.annotation, want->annotation);
      EXPECT_EQ(s.saved_value, want->saved_value);
      EXPECT_EQ(s.resource_version, c.w.resource_version);
    } else {
      ASSERT_TRUE(std::holds_alternative<plan_skip>(got));
      const auto& s = std::get<plan_skip>(got);
      EXPECT_EQ(s.reason, std::get<skip_reason>(c.want));
      EXPECT_EQ(s.replicas, c.w.replicas);
      EXPECT_EQ(is_failure(s.reason), s.reason == skip_reason::invalid_annotation);
      if (s.reason == skip_reason::invalid_annotation) {
        EXPECT_NE(s.detail.find("'three'"), std::string::npos);
      }
    }
  }
}

std::vector<workload> mixed_environment() {
  return {make(sts, "db", 1),      make(deploy, "web", 3),  make(deploy, "api", 2),
          make(sts, "cache", 2),   make(deploy, "zero", 0), make(deploy, "pinned", 1, {}, false, true),
          make(sts, "queue", 0, 4)};
}

std::vector<std::string> names(const std::vector<plan_step>& group) {
  std::vector<std::string> out;
  for (const auto& s : group) out.push_back(s.name);
  return out;
}

TEST(planner, stop_scales_deployments_before_statefulsets) {
  auto p = plan_stop(mixed_environment());
  ASSERT_EQ(p.groups.size(), 2u);
  for (const auto& s : p.groups[0]) EXPECT_EQ(s.kind, deploy);
  for (const auto& s : p.groups[1]) EXPECT_EQ(s.kind, sts);
  EXPECT_EQ(names(p.groups[0]), (std::vector<std::string>{"api", "web"}));
  EXPECT_EQ(names(p.groups[1]), (std::vector<std::string>{"cache", "db"}));
  ASSERT_EQ(p.skipped.size(), 3u);
  EXPECT_EQ(p.skipped[0].name, "pinned");
  EXPECT_EQ(p.skipped[0].reason, skip_reason::excluded);
  EXPECT_EQ(p.skipped[1].name, "zero");
  EXPECT_EQ(p.skipped[1].reason, skip_reason::intentionally_zero);
  EXPECT_EQ(p.skipped[2].name, "queue");
  EXPECT_EQ(p.skipped[2].reason, skip_reason::already_stopped);
}

TEST(planner, start_restores_statefulsets_before_deployments) {
  std::vector<workload> stopped = {make(deploy, "web", 0, 3), make(sts, "db", 0, 1),
                                   make(deploy, "api", 0, 2), make(sts, "cache", 0, 2),
                                   make(deploy, "zero", 0)};
  auto p = plan_start(stopped);
  ASSERT_EQ(p.groups.size(), 2u);
  EXPECT_EQ(names(p.groups[0]), (std::vector<std::string>{"cache", "db"}));
  EXPECT_EQ(names(p.groups[1]), (std::vector<std::string>{"api", "web"}));
  for (const auto& s : p.groups[0]) EXPECT_EQ(s.kind, sts);
  ASSERT_EQ(p.skipped.size(), 1u);
  EXPECT_EQ(p.skipped[0].name, "zero");
}

TEST(planner, omits_empty_groups_and_plans_nothing_for_nothing) {
  EXPECT_TRUE(plan_stop({}).groups.empty());
  auto only_sts = plan_stop({make(sts, "db", 2)});
  ASSERT_EQ(only_sts.groups.size(), 1u);
  EXPECT_EQ(only_sts.groups[0][0].kind, sts);
  auto all_stopped = plan_stop({make(deploy, "a", 0, 2), make(sts, "b", 0, 1)});
  EXPECT_TRUE(all_stopped.groups.empty());
  EXPECT_EQ(all_stopped.skipped.size(), 2u);
}

TEST(planner, stop_then_start_plans_round_trip_every_count) {
  // Apply the stop plan to the values, then the start plan: every count comes back exactly.
  auto env = mixed_environment();
  auto apply = [](std::vector<workload>& ws, const plan& p) {
    for (const auto& group : p.groups) {
      for (const auto& s : group) {
        for (auto& w : ws) {
          if (w.kind != s.kind || w.name != s.name) continue;
          w.replicas = s.target_replicas;
          if (s.annotation == annotation_change::set) w.saved_replicas = s.saved_value;
          if (s.annotation == annotation_change::remove) w.saved_replicas.reset();
        }
      }
    }
  };
  auto before = env;
  apply(env, plan_stop(env));
  for (const auto& w : env) EXPECT_TRUE(w.excluded || w.replicas == 0) << w.name;
  apply(env, plan_stop(env));  // a second stop changes nothing
  apply(env, plan_start(env));
  // "queue" was already stopped (0, saved 4) before we began: start brings it back to 4. Every other
  // workload has its count from before the stop.
  for (std::size_t i = 0; i < env.size(); ++i) {
    EXPECT_EQ(env[i].replicas, env[i].name == "queue" ? 4 : before[i].replicas) << env[i].name;
    EXPECT_EQ(env[i].saved_replicas.has_value(), false) << env[i].name;
  }
}

struct patch_case {
  const char* label;
  plan_step step;
  const char* want;
};

TEST(planner, builds_the_merge_patch_shape) {
  const patch_case cases[] = {
      {"stop saves the count in the same patch",
       plan_step{deploy, "web", 3, 0, annotation_change::set, 3, "42"},
       R"({"metadata":{"resourceVersion":"42","annotations":{"devenv-scaler/original-replicas":"3"}},)"
       R"("spec":{"replicas":0}})"},
      {"start removes the annotation with null",
       plan_step{sts, "db", 0, 2, annotation_change::remove, 0, "7"},
       R"({"metadata":{"resourceVersion":"7","annotations":{"devenv-scaler/original-replicas":null}},)"
       R"("spec":{"replicas":2}})"},
      {"keeping the annotation leaves it out",
       plan_step{deploy, "web", 5, 0, annotation_change::none, 0, "9"},
       R"({"metadata":{"resourceVersion":"9"},"spec":{"replicas":0}})"},
      {"no version, no precondition", plan_step{deploy, "web", 5, 0, annotation_change::none, 0, ""},
       R"({"spec":{"replicas":0}})"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_EQ(build_patch(c.step), nlohmann::json::parse(c.want));
  }
  // The annotation value is a string, as Kubernetes requires.
  EXPECT_TRUE(
      build_patch(cases[0].step)["metadata"]["annotations"]["devenv-scaler/original-replicas"].is_string());
}

}  // namespace
}  // namespace devenv::env
