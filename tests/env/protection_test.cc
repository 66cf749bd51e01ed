#include "env/protection.h"

#include <gtest/gtest.h>

namespace devenv::env {
namespace {

struct glob_case {
  const char* pattern;
  const char* name;
  bool match;
};

TEST(protection, glob_matches_whole_names) {
  const glob_case cases[] = {
      {"kube-*", "kube-system", true},
      {"kube-*", "kube-", true},
      {"kube-*", "kube", false},
      {"kube-*", "my-kube-x", false},
      {"default", "default", true},
      {"default", "default2", false},
      {"default", "xdefault", false},
      {"*-prod", "shop-prod", true},
      {"*-prod", "shop-prod-2", false},
      {"dev?", "dev1", true},
      {"dev?", "dev12", false},
      {"*", "", true},
      {"", "", true},
      {"", "a", false},
      {"a*b*c", "axxbyyc", true},
      {"a*b*c", "axxbyy", false},
      {"*a*", "banana", true},
      {"**", "x", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(glob_match(c.pattern, c.name), c.match) << c.pattern << " vs " << c.name;
  }
}

struct name_case {
  std::string name;
  bool valid;
  const char* message_part;
};

TEST(protection, validates_rfc1123_labels_with_clear_errors) {
  const name_case cases[] = {
      {"dev1", true, ""},
      {"a", true, ""},
      {"team-a-2", true, ""},
      {std::string(63, 'a'), true, ""},
      {"", false, "empty"},
      {"../x", false, "only lowercase letters, digits and '-'"},
      {"Dev1", false, "only lowercase letters"},
      {"dev_1", false, "only lowercase letters"},
      {"dev.1", false, "only lowercase letters"},
      {"-dev", false, "start and end"},
      {"dev-", false, "start and end"},
      {std::string(64, 'a'), false, "64 characters long; the limit is 63"},
      {std::string(300, 'a'), false, "300 characters long; the limit is 63"},
  };
  for (const auto& c : cases) {
    auto r = validate_namespace_name(c.name);
    EXPECT_EQ(r.has_value(), c.valid) << c.name;
    if (!c.valid && !r) {
      EXPECT_EQ(r.error().code, errc::invalid_argument);
      EXPECT_NE(r.error().message.find(c.message_part), std::string::npos) << r.error().message;
      EXPECT_LT(r.error().message.size(), 160u) << "a long name must not be echoed whole";
    }
  }
}

struct policy_case {
  const char* name;
  bool is_protected;
};

TEST(protection, default_policy_protects_kube_default_and_own_namespace) {
  protection_policy policy(protection_policy::default_globs(), "devenv-scaler");
  const policy_case cases[] = {
      {"kube-system", true},   {"kube-public", true}, {"kube-node-lease", true}, {"default", true},
      {"devenv-scaler", true}, {"dev1", false},       {"kubex", false},          {"defaults", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(policy.is_protected(c.name), c.is_protected) << c.name;
    auto checked = policy.check(c.name);
    EXPECT_EQ(checked.has_value(), !c.is_protected) << c.name;
    if (!checked) {
      EXPECT_EQ(checked.error().code, errc::protected_namespace) << c.name;
    }
  }
  auto kube = policy.check("kube-system");
  ASSERT_FALSE(kube);
  EXPECT_NE(kube.error().message.find("matches 'kube-*'"), std::string::npos) << kube.error().message;
  EXPECT_EQ(policy.check("../x").error().code, errc::invalid_argument);
}

TEST(protection, configured_globs_replace_defaults_but_never_the_own_namespace) {
  protection_policy policy({"prod-*"}, "scaler");
  EXPECT_TRUE(policy.is_protected("prod-eu"));
  EXPECT_TRUE(policy.is_protected("scaler"));
  EXPECT_FALSE(policy.is_protected("kube-system"));  // the operator chose to replace the defaults
  EXPECT_FALSE(policy.is_protected("dev1"));
  protection_policy none({}, "");
  EXPECT_FALSE(none.is_protected("anything"));
}

}  // namespace
}  // namespace devenv::env
