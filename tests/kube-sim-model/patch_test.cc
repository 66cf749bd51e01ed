#include "model/patch.h"

#include <gtest/gtest.h>

namespace kubesim {
namespace {

using json = nlohmann::json;

const json kDoc = json::parse(R"({
  "metadata": {"name": "web", "labels": {"app": "web", "a/b": "x", "t~n": "y"}},
  "spec": {"replicas": 2, "list": [1, 2, 3],
           "template": {"spec": {"containers": [{"name": "main", "image": "nginx:1", "ports": [{"containerPort": 80}]},
                                               {"name": "side", "image": "busybox"}]}}}
})");

TEST(MergePatch, Rfc7386Table) {
  struct row {
    const char* patch;
    const char* pointer;
    json expected;  // null: the key must be absent
  };
  const row rows[] = {
      {R"({"spec":{"replicas":5}})", "/spec/replicas", 5},
      {R"({"metadata":{"labels":{"app":null}}})", "/metadata/labels/app", nullptr},
      {R"({"metadata":{"labels":{"new":"v"}}})", "/metadata/labels/a~1b", "x"},  // siblings survive
      {R"({"spec":{"list":[9]}})", "/spec/list", json::array({9})},              // arrays replace
      {R"({"spec":{"replicas":{"nested":true}}})", "/spec/replicas/nested", true},
      {R"({"spec":null})", "/spec", nullptr},
  };
  for (const auto& r : rows) {
    auto out = apply_patch(kDoc, patch_type::merge, r.patch);
    ASSERT_TRUE(out.has_value()) << r.patch;
    const json::json_pointer ptr(r.pointer);
    if (r.expected.is_null()) {
      EXPECT_FALSE(out->contains(ptr)) << r.patch;
    } else {
      EXPECT_EQ(out->at(ptr), r.expected) << r.patch;
    }
  }
}

TEST(MergePatch, MalformedIs400) {
  for (const char* bad : {"{", "[1]", "\"x\""}) {
    auto out = apply_patch(kDoc, patch_type::merge, bad);
    ASSERT_FALSE(out) << bad;
    EXPECT_EQ(out.error().code, 400) << bad;
  }
}

TEST(JsonPatch, Rfc6902Table) {
  struct row {
    const char* patch;
    const char* pointer;
    json expected;
  };
  const row rows[] = {
      {R"([{"op":"add","path":"/spec/list/-","value":4}])", "/spec/list", json::array({1, 2, 3, 4})},
      {R"([{"op":"add","path":"/spec/list/0","value":0}])", "/spec/list", json::array({0, 1, 2, 3})},
      {R"([{"op":"remove","path":"/spec/list/1"}])", "/spec/list", json::array({1, 3})},
      {R"([{"op":"replace","path":"/spec/replicas","value":7}])", "/spec/replicas", 7},
      {R"([{"op":"add","path":"/metadata/labels/a~1b","value":"z"}])", "/metadata/labels/a~1b",
       "z"},  // ~1 is '/'
      {R"([{"op":"replace","path":"/metadata/labels/t~0n","value":"z"}])", "/metadata/labels/t~0n",
       "z"},  // ~0 is '~'
      {R"([{"op":"move","from":"/metadata/labels/app","path":"/metadata/labels/moved"}])",
       "/metadata/labels/moved", "web"},
      {R"([{"op":"copy","from":"/spec/replicas","path":"/spec/copy"}])", "/spec/copy", 2},
      {R"([{"op":"test","path":"/spec/replicas","value":2},{"op":"replace","path":"/spec/replicas","value":3}])",
       "/spec/replicas", 3},
  };
  for (const auto& r : rows) {
    auto out = apply_patch(kDoc, patch_type::json_patch, r.patch);
    ASSERT_TRUE(out.has_value()) << r.patch << ": " << out.error().message;
    EXPECT_EQ(out->at(json::json_pointer(r.pointer)), r.expected) << r.patch;
  }
}

TEST(JsonPatch, FailuresAreInvalidAndMalformedIsBadRequest) {
  struct row {
    const char* patch;
    int code;
  };
  const row rows[] = {
      {R"([{"op":"test","path":"/spec/replicas","value":99}])", 422},
      {R"([{"op":"remove","path":"/spec/absent"}])", 422},
      {R"([{"op":"replace","path":"/nope/deeper","value":1}])", 422},
      {R"([{"op":"add","path":"/spec/list/9","value":1}])", 422},
      {R"({"op":"add"})", 400},
      {R"([1])", 400},
      {R"(not json)", 400},
  };
  for (const auto& r : rows) {
    auto out = apply_patch(kDoc, patch_type::json_patch, r.patch);
    ASSERT_FALSE(out.has_value()) << r.patch;
    EXPECT_EQ(out.error().code, r.code) << r.patch;
  }
  auto failed_test =
      apply_patch(kDoc, patch_type::json_patch, R"([{"op":"test","path":"/spec/replicas","value":99}])");
  EXPECT_EQ(failed_test.error().reason, "Invalid");
  EXPECT_EQ(failed_test.error().message, "the server rejected our request due to an error in our request");
}

TEST(JsonPatch, FailedOperationLeavesNothingHalfApplied) {
  json doc = kDoc;
  auto out = apply_json_patch(doc, json::parse(R"([{"op":"replace","path":"/spec/replicas","value":9},
                                                 {"op":"test","path":"/spec/replicas","value":2}])"));
  ASSERT_FALSE(out);
  EXPECT_EQ(doc, kDoc);
}

TEST(StrategicMergePatch, MergesContainersByName) {
  auto out =
      apply_patch(kDoc, patch_type::strategic_merge,
                  R"({"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:2"}]}}}})");
  ASSERT_TRUE(out) << out.error().message;
  const auto& containers = out->at(json::json_pointer("/spec/template/spec/containers"));
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0]["image"], "nginx:2");
  EXPECT_EQ(containers[0]["ports"][0]["containerPort"], 80);  // untouched fields of the element survive
  EXPECT_EQ(containers[1]["name"], "side");
}

TEST(StrategicMergePatch, DirectivesTable) {
  struct row {
    const char* patch;
    const char* pointer;
    json expected;  // null: absent
  };
  const row rows[] = {
      {R"({"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}})",
       "/spec/template/spec/containers/1", nullptr},
      {R"({"spec":{"template":{"spec":{"containers":[{"name":"new","image":"x"}]}}}})",
       "/spec/template/spec/containers/2/name", "new"},
      {R"({"metadata":{"labels":{"$patch":"replace","only":"one"}}})", "/metadata/labels",
       json{{"only", "one"}}},
      {R"({"metadata":{"labels":{"$patch":"delete"}}})", "/metadata/labels", nullptr},
      {R"({"metadata":{"labels":{"$retainKeys":["app"],"app":"web"}}})", "/metadata/labels",
       json{{"app", "web"}}},
      {R"({"spec":{"$deleteFromPrimitiveList/list":[2]}})", "/spec/list", json::array({1, 3})},
      {R"({"spec":{"$setElementOrder/list":[3,2,1],"replicas":4}})", "/spec/replicas", 4},
      {R"({"spec":{"list":[7]}})", "/spec/list", json::array({7})},  // unkeyed lists replace
  };
  for (const auto& r : rows) {
    auto out = apply_patch(kDoc, patch_type::strategic_merge, r.patch);
    ASSERT_TRUE(out.has_value()) << r.patch << ": " << out.error().message;
    const json::json_pointer ptr(r.pointer);
    if (r.expected.is_null()) {
      EXPECT_FALSE(out->contains(ptr)) << r.patch;
    } else {
      EXPECT_EQ(out->at(ptr), r.expected) << r.patch;
    }
  }
}

TEST(StrategicMergePatch, UnknownDirectiveIs400) {
  for (const char* bad : {R"({"spec":{"$patch":"explode"}})", R"({"spec":{"$unknown":1}})",
                          R"({"spec":{"list":[{"$patch":"delete","x":1}]}})"}) {
    auto out = apply_patch(kDoc, patch_type::strategic_merge, bad);
    ASSERT_FALSE(out) << bad;
    EXPECT_EQ(out.error().code, 400) << bad;
  }
}

TEST(ApplyPatch, MergesYamlBody) {
  auto out =
      apply_patch(kDoc, patch_type::apply, "metadata:\n  labels:\n    tier: \"1\"\nspec:\n  replicas: 4\n");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->at(json::json_pointer("/spec/replicas")), 4);
  EXPECT_EQ(out->at(json::json_pointer("/metadata/labels/tier")), "1");  // quoted YAML stays a string
  EXPECT_EQ(out->at(json::json_pointer("/metadata/labels/app")), "web");
  EXPECT_EQ(apply_patch(kDoc, patch_type::apply, "a: [").error().code, 400);
}

}  // namespace
}  // namespace kubesim
