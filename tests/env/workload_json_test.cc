#include "env/workload_json.h"

#include <gtest/gtest.h>

namespace devenv::env {
namespace {

using json = nlohmann::json;

TEST(workload_json, parses_saved_replicas_strictly) {
  struct c {
    const char* text;
    std::optional<int> want;
  };
  const c cases[] = {{"3", 3},
                     {"0", 0},
                     {"007", 7},
                     {"2147483647", 2147483647},
                     {"", std::nullopt},
                     {"-1", std::nullopt},
                     {"+1", std::nullopt},
                     {" 3", std::nullopt},
                     {"3 ", std::nullopt},
                     {"3.0", std::nullopt},
                     {"1e3", std::nullopt},
                     {"three", std::nullopt},
                     {"2147483648", std::nullopt},
                     {"99999999999999999999", std::nullopt}};
  for (const auto& x : cases) EXPECT_EQ(parse_saved_replicas(x.text), x.want) << x.text;
}

TEST(workload_json, decodes_a_deployment) {
  auto o = json::parse(R"({
    "metadata": {"name": "web", "resourceVersion": "77", "generation": 4,
                 "annotations": {"devenv-scaler/original-replicas": "3", "devenv-scaler/exclude": "TRUE"}},
    "spec": {"replicas": 0},
    "status": {"readyReplicas": 1, "updatedReplicas": 2, "observedGeneration": 3}})");
  auto w = workload_from_json(workload_kind::deployment, o);
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->name, "web");
  EXPECT_EQ(w->replicas, 0);
  EXPECT_EQ(w->ready_replicas, 1);
  EXPECT_EQ(w->updated_replicas, 2);
  EXPECT_FALSE(w->status_current);
  EXPECT_EQ(w->saved_replicas, 3);
  EXPECT_FALSE(w->saved_annotation_invalid);
  EXPECT_TRUE(w->excluded);
  EXPECT_EQ(w->resource_version, "77");
}

TEST(workload_json, defaults_and_invalid_values) {
  struct c {
    const char* label;
    const char* object;
    bool ok;
    int replicas;
    bool invalid_annotation;
    bool excluded;
  };
  const c cases[] = {
      {"replicas absent means 1", R"({"metadata":{"name":"a"}})", true, 1, false, false},
      {"no status", R"({"metadata":{"name":"a"},"spec":{"replicas":2}})", true, 2, false, false},
      {"garbage annotation",
       R"({"metadata":{"name":"a","annotations":{"devenv-scaler/original-replicas":"x"}}})", true, 1, true,
       false},
      {"non-string annotation",
       R"({"metadata":{"name":"a","annotations":{"devenv-scaler/original-replicas":3}}})", true, 1, true,
       false},
      {"exclude false", R"({"metadata":{"name":"a","annotations":{"devenv-scaler/exclude":"false"}}})", true,
       1, false, false},
      {"no name", R"({"metadata":{}})", false, 0, false, false},
      {"negative replicas", R"({"metadata":{"name":"a"},"spec":{"replicas":-1}})", false, 0, false, false},
      {"string replicas", R"({"metadata":{"name":"a"},"spec":{"replicas":"2"}})", false, 0, false, false},
      {"not an object", R"([1])", false, 0, false, false},
  };
  for (const auto& x : cases) {
    SCOPED_TRACE(x.label);
    auto w = workload_from_json(workload_kind::statefulset, json::parse(x.object));
    ASSERT_EQ(w.has_value(), x.ok);
    if (!w) {
      EXPECT_EQ(w.error().code, errc::invalid_argument);
      continue;
    }
    EXPECT_EQ(w->replicas, x.replicas);
    EXPECT_EQ(w->saved_annotation_invalid, x.invalid_annotation);
    EXPECT_EQ(w->saved_replicas.has_value(), false);
    EXPECT_EQ(w->excluded, x.excluded);
  }
}

TEST(workload_json, decodes_a_namespace) {
  auto info = namespace_from_json(json::parse(R"({"metadata":{"name":"dev1","resourceVersion":"9",
      "labels":{"scheduler":"disabled","n":1},"annotations":{"devenv-scaler/state":"stopped"}}})"));
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->exists);
  EXPECT_EQ(info->name, "dev1");
  EXPECT_EQ(info->labels.at("scheduler"), "disabled");
  EXPECT_EQ(info->labels.count("n"), 0u);
  EXPECT_EQ(info->annotations.at("devenv-scaler/state"), "stopped");
  EXPECT_EQ(info->resource_version, "9");
  EXPECT_FALSE(namespace_from_json(json::parse("{}")));
}

}  // namespace
}  // namespace devenv::env
