#include "slack/bot/access_policy.h"

#include <gtest/gtest.h>

namespace devenv::slack {
namespace {

access_policy sample_policy() {
  std::vector<access_rule> rules = {
      {"backend", {"U_ALICE"}, {}, {}, {"dev*", "qa-?"}, {"stop", "start", "status"}},
      {"ops group", {}, {"S_OPS"}, {}, {"*"}, {"*"}},
      {"demo channel", {}, {}, {"C_DEMO"}, {"demo"}, {"start"}},
  };
  return access_policy(std::move(rules), {"default", {}, {}, {}, {"*"}, {"status", "list"}});
}

TEST(AccessPolicy, Decisions) {
  const auto policy = sample_policy();
  const env::protection_policy protection({"kube-*", "default"}, "devenv-scaler");
  const struct {
    const char* name;
    access_subject who;
    const char* action;
    const char* environment;
    bool allowed;
    const char* rule_or_reason;
  } cases[] = {
      {"user rule grants stop on glob", {"U_ALICE", "C1", {}}, "stop", "dev1", true, "backend"},
      {"user rule ? glob", {"U_ALICE", "C1", {}}, "start", "qa-1", true, "backend"},
      {"user rule does not cover other env", {"U_ALICE", "C1", {}}, "stop", "prod", false, "no access rule"},
      {"default grants status to anyone", {"U_BOB", "C1", {}}, "status", "prod", true, "default"},
      {"default grants list without env", {"U_BOB", "C1", {}}, "list", "", true, "default"},
      {"default does not grant stop", {"U_BOB", "C1", {}}, "stop", "dev1", false, "rule *default*"},
      {"group member gets everything", {"U_BOB", "C1", {"S_OPS"}}, "stop", "prod", true, "ops group"},
      {"other group does nothing", {"U_BOB", "C1", {"S_OTHER"}}, "stop", "prod", false, "no access rule"},
      {"channel rule", {"U_BOB", "C_DEMO", {}}, "start", "demo", true, "demo channel"},
      {"channel rule only its action", {"U_BOB", "C_DEMO", {}}, "stop", "demo", false, "demo channel"},
      {"protected beats a wildcard rule",
       {"U_BOB", "C1", {"S_OPS"}},
       "stop",
       "kube-system",
       false,
       "protected namespace"},
      {"own namespace protected",
       {"U_BOB", "C1", {"S_OPS"}},
       "start",
       "devenv-scaler",
       false,
       "protected namespace"},
      {"default namespace protected even for status",
       {"U_ALICE", "C1", {}},
       "status",
       "default",
       false,
       "protected"},
  };
  for (const auto& c : cases) {
    const auto d = policy.decide(c.who, c.action, c.environment, protection);
    EXPECT_EQ(d.allowed, c.allowed) << c.name;
    if (c.allowed) {
      EXPECT_EQ(d.rule, c.rule_or_reason) << c.name;
    } else {
      EXPECT_NE(d.explanation.find(c.rule_or_reason), std::string::npos) << c.name << ": " << d.explanation;
    }
  }
}

TEST(AccessPolicy, EmptyPolicyRefusesEverything) {
  const access_policy policy;
  const env::protection_policy protection;
  EXPECT_FALSE(policy.decide({"U1", "C1", {}}, "status", "dev1", protection).allowed);
  EXPECT_FALSE(policy.decide({"U1", "C1", {}}, "list", "", protection).allowed);
}

TEST(AccessPolicy, DenialEscapesInput) {
  const access_policy policy;
  const auto d = policy.decide({"U1", "C1", {}}, "stop", "<!channel>", env::protection_policy{});
  EXPECT_EQ(d.explanation.find("<!channel>"), std::string::npos) << d.explanation;
}

TEST(AccessPolicy, ReferencedGroupsAreDeduplicated) {
  access_policy policy({{"a", {}, {"S1", "S2"}, {}, {"*"}, {"*"}}, {"b", {}, {"S2", "S3"}, {}, {"*"}, {"*"}}},
                       {});
  EXPECT_EQ(policy.referenced_groups(), (std::vector<std::string>{"S1", "S2", "S3"}));
}

TEST(AccessPolicy, ValidateRule) {
  const struct {
    access_rule rule;
    bool is_default;
    bool ok;
  } cases[] = {
      {{"r", {"U1"}, {}, {}, {"dev*"}, {"stop"}}, false, true},
      {{"r", {}, {}, {}, {"dev*"}, {"stop"}}, false, false},     // no subject
      {{"", {"U1"}, {}, {}, {"dev*"}, {"stop"}}, false, false},  // no name
      {{"r", {"U1"}, {}, {}, {"dev*"}, {"destroy"}}, false, false},
      {{"r", {"U1"}, {}, {}, {""}, {"stop"}}, false, false},
      {{"default", {}, {}, {}, {"*"}, {"status"}}, true, true},
  };
  for (const auto& c : cases) EXPECT_EQ(validate_rule(c.rule, c.is_default).has_value(), c.ok) << c.rule.name;
}

}  // namespace
}  // namespace devenv::slack
