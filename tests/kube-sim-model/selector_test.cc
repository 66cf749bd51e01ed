#include "model/selector.h"

#include <gtest/gtest.h>

namespace kubesim {
namespace {

using json = nlohmann::json;

const json kLabels = {{"app", "web"}, {"tier", "front"}, {"version", "3"}, {"example.com/team", "a"}};

TEST(LabelSelector, MatchesTable) {
  struct row {
    const char* selector;
    bool matches;
  };
  const row rows[] = {
      {"", true},
      {"app=web", true},
      {"app==web", true},
      {"app=api", false},
      {"app!=api", true},
      {"app!=web", false},
      {"missing!=x", true},  // != matches objects without the label
      {"app in (api,web)", true},
      {"app in (api)", false},
      {"app notin (api)", true},
      {"app notin (web, api)", false},
      {"missing notin (x)", true},
      {"app", true},
      {"missing", false},
      {"!missing", true},
      {"!app", false},
      {"app=web,tier=front", true},
      {"app=web,tier=back", false},
      {" app = web , tier in ( front ) ", true},
      {"example.com/team=a", true},
      {"version>2", true},
      {"version<3", false},
      {"app=", false},
      {"missing=", false},
  };
  for (const auto& r : rows) {
    auto sel = label_selector::parse(r.selector);
    ASSERT_TRUE(sel.has_value()) << r.selector << ": " << sel.error().message;
    EXPECT_EQ(sel->matches(kLabels), r.matches) << r.selector;
  }
}

TEST(LabelSelector, EmptyLabelsOnlyMatchNegations) {
  EXPECT_TRUE(label_selector::parse("!a,b!=c,d notin (e)")->matches(json()));
  EXPECT_FALSE(label_selector::parse("a")->matches(json::object()));
}

// The store matches against its sorted label list; both forms must agree on every operator.
TEST(LabelSelector, SortedLabelListMatchesLikeJson) {
  const label_list list = {{"app", "web"}, {"example.com/team", "a"}, {"tier", "front"}, {"version", "3"}};
  const char* selectors[] = {"",
                             "app=web",
                             "app=api",
                             "app!=web",
                             "missing!=x",
                             "app in (api,web)",
                             "app notin (web, api)",
                             "missing notin (x)",
                             "app",
                             "missing",
                             "!missing",
                             "!app",
                             "app=web,tier=back",
                             "version>2",
                             "version<3",
                             "version>3",
                             "example.com/team=a",
                             "aaa",
                             "zzz",
                             "app="};
  int matched = 0;
  for (const char* text : selectors) {
    auto sel = label_selector::parse(text);
    ASSERT_TRUE(sel.has_value()) << text;
    EXPECT_EQ(sel->matches(list), sel->matches(kLabels)) << text;
    EXPECT_EQ(sel->matches(label_list{}), sel->matches(json())) << text;
    matched += sel->matches(list) ? 1 : 0;
  }
  EXPECT_EQ(matched, 9);  // the table is not trivially all-true or all-false
}

TEST(LabelSelector, RejectsMalformedWith400) {
  for (const char* bad : {"app in web", "app in (web", "=web", "app=web,", "!", "app=we b", "Bad Key=x",
                          "app=-web", "version>x", "app notin", "a=b)c", ",", "a b"}) {
    auto sel = label_selector::parse(bad);
    ASSERT_FALSE(sel.has_value()) << bad;
    EXPECT_EQ(sel.error().code, 400) << bad;
    EXPECT_EQ(sel.error().reason, "BadRequest") << bad;
    EXPECT_FALSE(sel.error().message.empty());
  }
}

TEST(LabelSelector, ErrorNamesWhatWasFound) {
  auto sel = label_selector::parse("app in web");
  ASSERT_FALSE(sel);
  EXPECT_EQ(sel.error().message, "found 'web', expected: '('");
}

TEST(FieldSelector, MatchesTable) {
  const json object = {{"metadata", {{"name", "web"}, {"namespace", "dev1"}}},
                       {"involvedObject", {{"name", "web"}, {"kind", "Deployment"}}},
                       {"status", {{"phase", "Running"}}},
                       {"spec", {{"suspend", true}, {"replicas", 3}}}};
  struct row {
    const char* selector;
    bool matches;
  };
  const row rows[] = {
      {"", true},
      {"metadata.name=web", true},
      {"metadata.name==web", true},
      {"metadata.name!=web", false},
      {"metadata.namespace=dev1,metadata.name=web", true},
      {"metadata.namespace=dev2,metadata.name=web", false},
      {"involvedObject.name=web,involvedObject.kind=Deployment", true},
      {"status.phase!=Pending", true},
      {"spec.nodeName=", true},  // missing compares as ""
      {"spec.nodeName!=", false},
      {"spec.suspend=true", true},
      {"spec.replicas=3", true},
      {"metadata.name=w\\=b", false},
  };
  for (const auto& r : rows) {
    auto sel = field_selector::parse(r.selector);
    ASSERT_TRUE(sel.has_value()) << r.selector << ": " << sel.error().message;
    EXPECT_EQ(sel->matches(object), r.matches) << r.selector;
  }
}

TEST(FieldSelector, UnescapesValues) {
  auto sel = field_selector::parse("metadata.name=a\\,b\\=c");
  ASSERT_TRUE(sel);
  ASSERT_EQ(sel->requirements().size(), 1u);
  EXPECT_EQ(sel->requirements()[0].value, "a,b=c");
}

TEST(FieldSelector, RejectsGarbledWith400) {
  for (const char* bad : {"metadata.name", "=x", "metadata..name=x", "metadata.name=a=b", "foo bar=x",
                          ".name=x", "metadata.name=x,nonsense"}) {
    auto sel = field_selector::parse(bad);
    ASSERT_FALSE(sel.has_value()) << bad;
    EXPECT_EQ(sel.error().code, 400) << bad;
  }
}

TEST(LabelSelectorString, RendersSortedRequirements) {
  const json selector = {
      {"matchLabels", {{"tier", "front"}, {"app", "web"}}},
      {"matchExpressions", json::array({{{"key", "env"}, {"operator", "In"}, {"values", {"prod", "dev"}}},
                                        {{"key", "zz"}, {"operator", "DoesNotExist"}}})}};
  EXPECT_EQ(label_selector_string(selector), "app=web,env in (dev,prod),tier=front,!zz");
  EXPECT_EQ(label_selector_string(json()), "");
}

}  // namespace
}  // namespace kubesim
