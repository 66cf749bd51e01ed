// The `support:` configuration section and resource quantities: defaults (the original's memory per size,
// S by default, 12 h), overrides, and every kind of bad input refused with a message naming the key.
#include "support/support_settings.h"

#include <gtest/gtest.h>

#include "support/resource_quantity.h"
#include "support/support_name.h"

namespace devenv::support {
namespace {

result<support_settings> parse(const std::string& yaml) {
  return parse_support_settings(YAML::Load(yaml));
}

TEST(SupportSettings, DefaultsKeepTheOriginalMemoryWithCpuScaled) {
  auto s = parse("");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->enabled);  // no section: off
  EXPECT_EQ(s->ns, "devenv-support");
  EXPECT_EQ(s->max_lifetime, std::chrono::hours(12));
  EXPECT_EQ(*s->resolve_size(""), "S");
  struct row {
    std::string size, memory, cpu_request, cpu_limit;
  };
  for (const auto& r : std::vector<row>{{"XS", "512Mi", "125m", "250m"},
                                        {"S", "1Gi", "250m", "500m"},
                                        {"M", "2Gi", "500m", "1"},
                                        {"L", "4Gi", "1", "2"},
                                        {"XL", "8Gi", "2", "4"}}) {
    SCOPED_TRACE(r.size);
    const auto& got = s->sizes.at(r.size);
    EXPECT_EQ(got.memory_request, r.memory);
    EXPECT_EQ(got.memory_limit, r.memory);
    EXPECT_EQ(got.cpu_request, r.cpu_request);
    EXPECT_EQ(got.cpu_limit, r.cpu_limit);
  }
}

TEST(SupportSettings, ReadsEveryKey) {
  auto s = parse(R"(
namespace: ops-support
kind: Pod
image: registry.example/toolbox:2
command: [sleep, infinity]
service_account: support-sa
node_selector: {pool: tools}
tolerations:
  - {key: dedicated, operator: Equal, value: tools, effect: NoSchedule}
sizes:
  xl: {memory_request: 6Gi, cpu_limit: "8"}
max_lifetime: 2h30m
per_user_limit: 5
admins: [U0ADMIN, "api:ops"]
)");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->enabled);  // a section turns it on
  EXPECT_EQ(s->ns, "ops-support");
  EXPECT_EQ(s->image, "registry.example/toolbox:2");
  EXPECT_EQ(s->command, (std::vector<std::string>{"sleep", "infinity"}));
  EXPECT_EQ(s->service_account, "support-sa");
  EXPECT_EQ(s->node_selector.at("pool"), "tools");
  ASSERT_EQ(s->tolerations.size(), 1u);
  EXPECT_EQ(s->tolerations[0]["effect"], "NoSchedule");
  EXPECT_EQ(s->sizes.at("XL").memory_request, "6Gi");
  EXPECT_EQ(s->sizes.at("XL").memory_limit, "8Gi");  // not named: default kept
  EXPECT_EQ(s->sizes.at("XL").cpu_limit, "8");
  EXPECT_EQ(s->max_lifetime, std::chrono::minutes(150));
  EXPECT_EQ(s->per_user_limit, 5);
  EXPECT_TRUE(s->is_admin("api:ops"));
  EXPECT_FALSE(s->is_admin("U0OTHER"));
  EXPECT_EQ(parse("max_lifetime: 3600")->max_lifetime, std::chrono::hours(1));
  EXPECT_FALSE(parse("enabled: false")->enabled);
}

TEST(SupportSettings, RefusesBadInputNamingTheKey) {
  struct row {
    std::string yaml, fragment;
  };
  for (const auto& r : std::vector<row>{
           {"colour: blue", "unknown key 'colour'"},
           {"kind: Job", "only Pod"},
           {"namespace: Support_NS", "support.namespace"},
           {"image: ''", "support.image"},
           {"command: sleep", "support.command"},
           {"sizes: {XXL: {cpu_request: 1}}", "unknown size 'XXL'"},
           {"sizes: {S: {cpu: 1}}", "unknown key 'cpu'"},
           {"sizes: {S: {memory_request: lots}}", "support.sizes.S.memory_request"},
           {"sizes: {S: {memory_request: 2Gi}}", "memory_request 2Gi is more than memory_limit 1Gi"},
           {"sizes: {M: {cpu_limit: 0}}", "more than zero"},
           {"max_lifetime: forever", "support.max_lifetime"},
           {"max_lifetime: 0", "more than zero"},
           {"per_user_limit: -1", "per_user_limit"},
           {"per_user_limit: many", "support:"},
           {"tolerations: {key: x}", "support.tolerations"},
           {"admins: U1", "support.admins"},
           {"[1, 2]", "support must be a mapping"},
           {"enabled: sometimes", "support:"},
       }) {
    SCOPED_TRACE(r.yaml);
    auto s = parse(r.yaml);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, errc::invalid_argument);
    EXPECT_NE(s.error().message.find(r.fragment), std::string::npos) << s.error().message;
  }
}

TEST(SupportSettings, ResolveSizeIsCaseInsensitiveAndListsTheSizes) {
  const support_settings s;
  for (const auto& [typed, want] : std::vector<std::pair<std::string, std::string>>{
           {"xs", "XS"}, {"S", "S"}, {"m", "M"}, {"L", "L"}, {"xL", "XL"}, {"", "S"}}) {
    EXPECT_EQ(*s.resolve_size(typed), want) << typed;
  }
  auto bad = s.resolve_size("XXL");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "unknown size 'XXL'; sizes: XS, S, M, L, XL");
}

TEST(ResourceQuantity, ParsesWhatPeopleWriteForCpuAndMemory) {
  struct row {
    std::string text;
    double value;
  };
  for (const auto& r : std::vector<row>{{"250m", 0.25},
                                        {"1", 1},
                                        {"1.5", 1.5},
                                        {"512Mi", 512.0 * 1024 * 1024},
                                        {"8Gi", 8.0 * 1024 * 1024 * 1024},
                                        {"2G", 2e9},
                                        {"100k", 1e5},
                                        {"1Ki", 1024}}) {
    auto q = parse_quantity(r.text);
    ASSERT_TRUE(q) << r.text << ": " << q.error().message;
    EXPECT_DOUBLE_EQ(*q, r.value) << r.text;
  }
  for (const std::string bad : {"", "m", "1.2.3", "-1", "1 Gi", "1gi", "1e3", "0", "0.0m", "Gi"}) {
    EXPECT_FALSE(parse_quantity(bad)) << bad;
  }
}

TEST(SupportName, Rfc1123Labels) {
  for (const std::string& good :
       std::vector<std::string>{"a", "manage1", "x-1", std::string(63, 'a'), "0a"}) {
    EXPECT_TRUE(validate_name(good)) << good;
  }
  struct row {
    std::string name, fragment;
  };
  for (const auto& r : std::vector<row>{{"", "must not be empty"},
                                        {std::string(64, 'a'), "longer than 63"},
                                        {"Manage1", "lowercase letters"},
                                        {"a_b", "lowercase letters"},
                                        {"a.b", "lowercase letters"},
                                        {"-a", "start and end"},
                                        {"a-", "start and end"},
                                        {"a b", "lowercase letters"}}) {
    auto v = validate_name(r.name);
    ASSERT_FALSE(v) << r.name;
    EXPECT_EQ(v.error().code, errc::invalid_argument);
    EXPECT_NE(v.error().message.find(r.fragment), std::string::npos) << v.error().message;
  }
}

TEST(SupportName, OwnerLabelValuesAreValidLabelValues) {
  struct row {
    std::string owner, label;
  };
  for (const auto& r : std::vector<row>{{"U0123ABCD", "U0123ABCD"},
                                        {"api:ci", "api.ci"},
                                        {"api:ops team", "api.ops.team"},
                                        {":x:", "x"},
                                        {"", "unknown"},
                                        {"::", "unknown"},
                                        {std::string(70, 'b'), std::string(63, 'b')}}) {
    EXPECT_EQ(owner_label_value(r.owner), r.label) << r.owner;
  }
}

}  // namespace
}  // namespace devenv::support
