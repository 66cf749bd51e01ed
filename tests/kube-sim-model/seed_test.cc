#include "model/seed.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "kube-sim-model/fixture.h"

namespace kubesim {
namespace {

using testing::kind_of;

std::string read_demo() {
  std::ifstream in(std::string(DEVENV_TEST_SOURCE_DIR) + "/tools/kube-sim/seeds/demo.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Seed, LoadsTheDemoFile) {
  const std::string text = read_demo();
  ASSERT_FALSE(text.empty()) << "demo.yaml not found under " DEVENV_TEST_SOURCE_DIR;
  testing::store_fixture f;
  auto n = seed_from_yaml(f.s(), text);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 13u);  // 15 documents; the fixture already made dev1 and dev2, which are skipped
  auto dev3 = f.s().get(kind_of("namespaces"), "", "dev3").value();
  EXPECT_EQ(dev3["metadata"]["labels"]["scheduler"], "disabled");
  auto deployments = f.s().list(kind_of("deployments"), "", {}).value();
  auto statefulsets = f.s().list(kind_of("statefulsets"), "", {}).value();
  EXPECT_EQ(deployments["items"].size() + statefulsets["items"].size(), 12u);
  int excluded = 0;
  bool has_zero = false;
  for (const auto& list : {deployments, statefulsets}) {
    for (const auto& item : list["items"]) {
      const auto& ann = item["metadata"].value("annotations", json::object());
      if (ann.value("devenv-scaler/exclude", "") == "true") ++excluded;
      if (item["spec"]["replicas"] == 0) has_zero = true;
      EXPECT_FALSE(item["spec"]["selector"]["matchLabels"].empty());
      EXPECT_EQ(item["spec"]["template"]["metadata"]["labels"], item["spec"]["selector"]["matchLabels"]);
    }
  }
  EXPECT_EQ(excluded, 1);
  EXPECT_TRUE(has_zero);
}

TEST(Seed, NamespacesFirstListsAndExistingNamespaces) {
  testing::store_fixture f;
  const char* text = R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: early, namespace: fresh}
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Namespace
    metadata: {name: fresh}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: plain}
    data: {answer: "42", flag: "true"}
---
apiVersion: v1
kind: Namespace
metadata: {name: default}
)";
  auto n = seed_from_yaml(f.s(), text);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 3u);  // "default" already existed
  EXPECT_TRUE(f.s().get(kind_of("configmaps"), "fresh", "early"));
  auto plain = f.s().get(kind_of("configmaps"), "default", "plain").value();
  EXPECT_EQ(plain["data"]["answer"], "42");
}

TEST(Seed, ErrorsNameTheDocument) {
  struct row {
    const char* text;
    const char* expected_substring;
  };
  const row rows[] = {
      {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: example.com/v1\nkind: "
       "Widget\n",
       "document 1: unknown apiVersion/kind \"example.com/v1\" \"Widget\""},
      {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n", "invalid YAML at line"},
      {"- just\n- a list\n", "document 0: not a Kubernetes object"},
      {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n",
       "document 0: ConfigMap \"Bad_Name\" is invalid"},
      {"apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v9\n    kind: Pod\n",
       "document 0 items[0]: unknown"},
  };
  for (const auto& r : rows) {
    testing::store_fixture f;
    auto n = seed_from_yaml(f.s(), r.text);
    ASSERT_FALSE(n) << r.text;
    EXPECT_EQ(n.error().code, 400);
    EXPECT_NE(n.error().message.find(r.expected_substring), std::string::npos) << n.error().message;
  }
}

}  // namespace
}  // namespace kubesim
