#include "api/token_auth.h"

#include <gtest/gtest.h>

namespace devenv::api {
namespace {

TEST(TokenAuth, AuthenticatesKnownTokensOnly) {
  auto auth = token_authenticator::from_list("ci:0123456789abcdef0123, ops:fedcba9876543210fedc");
  ASSERT_TRUE(auth.has_value()) << auth.error().message;
  EXPECT_EQ(auth->size(), 2u);
  auto ci = auth->authenticate("Bearer 0123456789abcdef0123");
  ASSERT_TRUE(ci.has_value());
  EXPECT_EQ(ci->name, "ci");
  EXPECT_EQ(auth->authenticate("bearer fedcba9876543210fedc")->name, "ops");
  for (const char* bad : {"", "Bearer", "Bearer ", "Basic 0123456789abcdef0123", "Bearer 0123456789abcdef012",
                          "Bearer 0123456789abcdef0123x", "0123456789abcdef0123"}) {
    auto r = auth->authenticate(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, errc::unauthorized) << bad;
  }
}

TEST(TokenAuth, RejectsMalformedLists) {
  EXPECT_FALSE(token_authenticator::from_list("no-colon").has_value());
  EXPECT_FALSE(token_authenticator::from_list("short:abc").has_value());
  EXPECT_FALSE(token_authenticator::from_list(":0123456789abcdef0123").has_value());
  EXPECT_TRUE(token_authenticator::from_list("").has_value());
}

TEST(TokenAuth, AuthorisesByEnvironmentGlobAndAction) {
  auto auth = token_authenticator::from_yaml(R"(
tokens:
  - name: team-a
    token: aaaaaaaaaaaaaaaaaaaa
    environments: ["dev*", "qa1"]
    actions: [stop]
  - name: admin
    token: bbbbbbbbbbbbbbbbbbbb
)");
  ASSERT_TRUE(auth.has_value()) << auth.error().message;
  auto team = *auth->authenticate("Bearer aaaaaaaaaaaaaaaaaaaa");
  auto admin = *auth->authenticate("Bearer bbbbbbbbbbbbbbbbbbbb");
  EXPECT_TRUE(token_authenticator::authorize(team, "stop", "dev1").has_value());
  EXPECT_TRUE(token_authenticator::authorize(team, "stop", "qa1").has_value());
  auto denied_env = token_authenticator::authorize(team, "stop", "prod");
  ASSERT_FALSE(denied_env.has_value());
  EXPECT_EQ(denied_env.error().code, errc::forbidden);
  EXPECT_NE(denied_env.error().message.find("team-a"), std::string::npos);
  EXPECT_FALSE(token_authenticator::authorize(team, "start", "dev1").has_value());
  EXPECT_TRUE(token_authenticator::authorize(admin, "start", "anything").has_value());
}

TEST(TokenAuth, RejectsMalformedYaml) {
  EXPECT_FALSE(token_authenticator::from_yaml("tokens: 3").has_value());
  EXPECT_FALSE(token_authenticator::from_yaml("tokens: [{name: x}]").has_value());
  EXPECT_FALSE(token_authenticator::from_yaml("{{{").has_value());
}

}  // namespace
}  // namespace devenv::api
