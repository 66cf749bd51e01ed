#include "server/discovery.h"

#include <gtest/gtest.h>

namespace kubesim {
namespace {

using nlohmann::json;

const json* find_by_name(const json& list, const std::string& name) {
  for (const auto& item : list) {
    if (item.value("name", "") == name) return &item;
  }
  return nullptr;
}

TEST(Discovery, VersionLooksLikeKubernetes132) {
  const json v = version_info();
  EXPECT_EQ(v["major"], "1");
  EXPECT_EQ(v["minor"], "32");
  EXPECT_EQ(v["gitVersion"], "v1.32.0-kubesim");
}

TEST(Discovery, CoreAndGroupsAreListed) {
  const auto& kinds = served_kinds();
  EXPECT_EQ(api_versions(kinds)["versions"], json::array({"v1"}));
  const json groups = api_group_list(kinds)["groups"];
  for (const char* group : {"apps", "batch", "coordination.k8s.io", "authentication.k8s.io"}) {
    const json* g = find_by_name(groups, group);
    ASSERT_NE(g, nullptr) << group;
    EXPECT_EQ((*g)["preferredVersion"]["groupVersion"], std::string(group) + "/v1");
  }
  EXPECT_EQ(find_by_name(groups, ""), nullptr);  // the core group is under /api, not /apis
  EXPECT_FALSE(api_group(kinds, "nope.example.com"));
}

TEST(Discovery, ResourceListsCarryKindsVerbsShortNamesAndSubresources) {
  const auto& kinds = served_kinds();
  const auto apps = api_resource_list(kinds, "apps", "v1");
  ASSERT_TRUE(apps);
  EXPECT_EQ((*apps)["groupVersion"], "apps/v1");
  struct {
    const char* name;
    const char* kind;
    bool namespaced;
  } cases[] = {{"deployments", "Deployment", true},
               {"deployments/scale", "Scale", true},
               {"deployments/status", "Deployment", true},
               {"statefulsets/scale", "Scale", true}};
  for (const auto& c : cases) {
    const json* r = find_by_name((*apps)["resources"], c.name);
    ASSERT_NE(r, nullptr) << c.name;
    EXPECT_EQ((*r)["kind"], c.kind) << c.name;
    EXPECT_EQ((*r)["namespaced"], c.namespaced) << c.name;
  }
  const json* deployments = find_by_name((*apps)["resources"], "deployments");
  EXPECT_EQ((*deployments)["shortNames"], json::array({"deploy"}));
  EXPECT_EQ((*deployments)["singularName"], "deployment");
  EXPECT_NE(std::find((*deployments)["verbs"].begin(), (*deployments)["verbs"].end(), "watch"),
            (*deployments)["verbs"].end());
  EXPECT_EQ(find_by_name((*apps)["resources"], "deployments/scale")->at("group"), "autoscaling");

  const auto core = api_resource_list(kinds, "", "v1");
  ASSERT_TRUE(core);
  const json* ns = find_by_name((*core)["resources"], "namespaces");
  ASSERT_NE(ns, nullptr);
  EXPECT_FALSE((*ns)["namespaced"].get<bool>());
  ASSERT_NE(find_by_name((*core)["resources"], "serviceaccounts/token"), nullptr);
  EXPECT_EQ(find_by_name((*core)["resources"], "serviceaccounts/token")->at("kind"), "TokenRequest");
  EXPECT_FALSE(api_resource_list(kinds, "apps", "v2"));
  EXPECT_NE(find_served_kind("authentication.k8s.io", "v1", "tokenreviews"), nullptr);
  EXPECT_EQ(find_served_kind("apps", "v1", "nothings"), nullptr);
}

TEST(Discovery, OpenApiV3DeclaresServerSideFieldValidationPerKind) {
  const auto& kinds = served_kinds();
  const json root = openapi_v3_root(kinds);
  ASSERT_TRUE(root["paths"].contains("apis/apps/v1"));
  ASSERT_TRUE(root["paths"].contains("api/v1"));
  EXPECT_EQ(root["paths"]["apis/apps/v1"]["serverRelativeURL"].get<std::string>().rfind(
                "/openapi/v3/apis/apps/v1", 0),
            0u);
  const auto apps = openapi_v3_group_version(kinds, "apps", "v1");
  ASSERT_TRUE(apps);
  const json& patch = (*apps)["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"]["kind"], "Deployment");
  EXPECT_EQ(patch["parameters"][0]["name"], "fieldValidation");
  const auto core = openapi_v3_group_version(kinds, "", "v1");
  ASSERT_TRUE(core);
  EXPECT_TRUE((*core)["paths"].contains("/api/v1/namespaces/{name}"));
  EXPECT_FALSE(openapi_v3_group_version(kinds, "nope", "v1"));
}

}  // namespace
}  // namespace kubesim
