// The RBAC evaluation the least-privilege check relies on: a table of calls against rules, so a missing or
// too narrow rule is caught (the check itself is rbac_check_test.cc).
#include "deploy/rbac_rules.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace devenv::testing {
namespace {

using json = nlohmann::json;

const std::vector<json> kObjects = {
    json::parse(R"({"kind":"ClusterRole","metadata":{"name":"scaler"},"rules":[
      {"apiGroups":["apps"],"resources":["deployments"],"verbs":["list","patch"]},
      {"apiGroups":["admissionregistration.k8s.io"],"resources":["mutatingwebhookconfigurations"],
       "resourceNames":["scaler"],"verbs":["get","patch"]}]})"),
    json::parse(R"({"kind":"ClusterRoleBinding","metadata":{"name":"scaler"},
      "roleRef":{"kind":"ClusterRole","name":"scaler"},
      "subjects":[{"kind":"ServiceAccount","name":"scaler","namespace":"system"}]})"),
    json::parse(R"({"kind":"Role","metadata":{"name":"lease","namespace":"system"},"rules":[
      {"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["get"]}]})"),
    json::parse(R"({"kind":"RoleBinding","metadata":{"name":"lease","namespace":"system"},
      "roleRef":{"kind":"Role","name":"lease"},
      "subjects":[{"kind":"ServiceAccount","name":"scaler","namespace":"system"}]})"),
    // Bound to someone else: never counted.
    json::parse(R"({"kind":"ClusterRole","metadata":{"name":"other"},"rules":[
      {"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]})"),
    json::parse(R"({"kind":"ClusterRoleBinding","metadata":{"name":"other"},
      "roleRef":{"kind":"ClusterRole","name":"other"},
      "subjects":[{"kind":"ServiceAccount","name":"scaler","namespace":"elsewhere"}]})"),
};

struct call_case {
  api_call call;
  bool allowed;
};

TEST(RbacRules, BoundRulesAndWhatTheyAllow) {
  const auto rules = bound_rules(kObjects, "scaler", "system");
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].role, "ClusterRole/scaler");
  EXPECT_FALSE(rules[0].namespaced);
  EXPECT_EQ(rules[2].role, "Role/system/lease");
  EXPECT_TRUE(rules[2].namespaced);

  const std::vector<call_case> cases = {
      {{"patch", "apps", "deployments", "", "dev1", "web", ""}, true},
      {{"list", "apps", "deployments", "", "", "", ""}, true},  // all namespaces
      {{"delete", "apps", "deployments", "", "dev1", "web", ""}, false},
      {{"patch", "apps", "deployments", "scale", "dev1", "web", ""}, false},  // subresources are separate
      {{"patch", "", "deployments", "", "dev1", "web", ""}, false},           // wrong group
      {{"patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", "", "scaler", ""},
       true},
      {{"patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", "", "other", ""},
       false},
      {{"list", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", "", "", ""}, false},
      {{"get", "coordination.k8s.io", "leases", "", "system", "scaler", ""}, true},
      {{"get", "coordination.k8s.io", "leases", "", "", "", ""}, false},  // a Role never grants cluster-wide
      {{"get", "", "", "", "", "", "/apis/apps/v1"}, false},              // non-resource: not from the rules
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.call.describe());
    const bool allowed =
        std::any_of(rules.begin(), rules.end(), [&](const rbac_rule& r) { return allows(r, c.call); });
    EXPECT_EQ(allowed, c.allowed);
  }
}

TEST(RbacRules, DiscoveryIsAllowedToEveryone) {
  EXPECT_TRUE(allowed_to_everyone({"get", "", "", "", "", "", "/apis/apps/v1"}));
  EXPECT_TRUE(allowed_to_everyone({"get", "", "", "", "", "", "/version"}));
  EXPECT_FALSE(allowed_to_everyone({"post", "", "", "", "", "", "/version"}));
  EXPECT_FALSE(allowed_to_everyone({"get", "", "", "", "", "", "/metrics"}));
  EXPECT_FALSE(allowed_to_everyone({"get", "apps", "deployments", "", "", "", "/apis/apps/v1/deployments"}));
}

TEST(RbacRules, GrantsExpandEveryVerbAndResource) {
  rbac_rule rule;
  rule.api_groups = {"apps"};
  rule.resources = {"deployments", "statefulsets"};
  rule.verbs = {"list", "patch"};
  const auto g = grants(rule);
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g[0], (std::pair<std::string, std::string>{"list", "apps/deployments"}));
  EXPECT_EQ(g[3], (std::pair<std::string, std::string>{"patch", "apps/statefulsets"}));
}

}  // namespace
}  // namespace devenv::testing
