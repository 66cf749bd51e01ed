#include "core/yaml_json.h"

#include <gtest/gtest.h>

namespace devenv {
namespace {

TEST(YamlJson, TypesPlainScalarsAndKeepsQuotedStrings) {
  auto docs = parse_yaml_documents("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: [x, 2]\n---\n---\ng: h\n");
  ASSERT_TRUE(docs.has_value()) << docs.error().message;
  ASSERT_EQ(docs->size(), 2u);
  const auto& d = (*docs)[0];
  EXPECT_EQ(d["a"], 1);
  EXPECT_EQ(d["b"], "1");
  EXPECT_EQ(d["c"], true);
  EXPECT_TRUE(d["d"].is_null());
  EXPECT_DOUBLE_EQ(d["e"].get<double>(), 1.5);
  EXPECT_EQ(d["f"], nlohmann::json::parse(R"(["x", 2])"));
  EXPECT_EQ((*docs)[1]["g"], "h");
}

TEST(YamlJson, ReportsWhereYamlIsBroken) {
  auto bad = parse_yaml_documents("a: [1, 2\nb: 3\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, errc::invalid_argument);
  EXPECT_NE(bad.error().message.find("line"), std::string::npos);
}

}  // namespace
}  // namespace devenv

namespace devenv {
namespace {

TEST(YamlJson, FloatsFollowTheCoreSchema) {
  auto docs = parse_yaml_documents("a: .5\nb: -2.\nc: 1e3\nd: 1.2.3\ne: '.'\nf: 1e\ng: +7\n");
  ASSERT_TRUE(docs.has_value());
  const auto& d = (*docs)[0];
  EXPECT_DOUBLE_EQ(d["a"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(d["b"].get<double>(), -2.0);
  EXPECT_DOUBLE_EQ(d["c"].get<double>(), 1000.0);
  EXPECT_EQ(d["d"], "1.2.3");
  EXPECT_EQ(d["e"], ".");
  EXPECT_EQ(d["f"], "1e");
  EXPECT_EQ(d["g"], 7);
}

}  // namespace
}  // namespace devenv
