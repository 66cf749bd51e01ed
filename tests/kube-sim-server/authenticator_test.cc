#include "server/authenticator.h"

#include <gtest/gtest.h>

namespace kubesim {
namespace {

using nlohmann::json;
using namespace std::chrono;

const auto now = sys_days{year_month_day{year{2026}, month{11}, day{27}}} + hours{12};

TEST(TokenFile, ParsesKubeApiserverFormat) {
  auto tokens = parse_token_file(
      "# comment\n"
      "t1,alice,u1\n"
      "\n"
      "t2,bob,u2,\"devs,ops\"\n"
      "t3,carol,u3,system:masters\r\n");
  ASSERT_TRUE(tokens) << tokens.error().message;
  ASSERT_EQ(tokens->size(), 3u);
  EXPECT_EQ((*tokens)[0].token, "t1");
  EXPECT_EQ((*tokens)[0].user.username, "alice");
  EXPECT_EQ((*tokens)[0].user.groups, std::vector<std::string>({"system:authenticated"}));
  EXPECT_EQ((*tokens)[1].user.groups, std::vector<std::string>({"devs", "ops", "system:authenticated"}));
  EXPECT_EQ((*tokens)[2].user.uid, "u3");
  EXPECT_TRUE((*tokens)[2].user.in_group("system:masters"));
}

TEST(TokenFile, RejectsBadLines) {
  for (const char* bad : {"only-token\n", "t,user\n", ",user,uid\n", "t,user,uid,\"unterminated\n"}) {
    EXPECT_FALSE(parse_token_file(bad)) << bad;
  }
}

TEST(Authenticator, StaticAndServiceAccountTokens) {
  authenticator auth;
  auth.add_static({"admin-token", {"admin", "1", {"system:masters"}}});
  const std::string sa =
      auth.issue_service_account_token("devenv", "scaler", "uid-9", {"api"}, now + hours(1));
  const std::string default_audience =
      auth.issue_service_account_token("dev1", "default", "", {}, now + hours(1));
  struct {
    std::string token;
    time_point<system_clock> at;
    std::vector<std::string> audiences;
    std::optional<std::string> user;
  } cases[] = {
      {"admin-token", now, {}, "admin"},
      {"admin-token", now, {"anything"}, "admin"},
      {"wrong", now, {}, std::nullopt},
      {"", now, {}, std::nullopt},
      {sa, now, {"api"}, "system:serviceaccount:devenv:scaler"},
      {sa, now, {"other"}, std::nullopt},
      {sa, now, {}, std::nullopt},  // minted for "api" only, not the API server's default audience
      {sa, now + hours(2), {"api"}, std::nullopt},  // expired
      {default_audience, now, {}, "system:serviceaccount:dev1:default"},
  };
  for (const auto& c : cases) {
    const auto user = auth.authenticate(c.token, c.at, c.audiences);
    EXPECT_EQ(user ? std::optional(user->username) : std::nullopt, c.user) << c.token;
  }
  const auto user = auth.authenticate(sa, now, {"api"});
  ASSERT_TRUE(user);
  EXPECT_EQ(user->uid, "uid-9");
  EXPECT_EQ(user->groups, std::vector<std::string>({"system:serviceaccounts", "system:serviceaccounts:devenv",
                                                    "system:authenticated"}));
  EXPECT_NE(sa, default_audience);
}

TEST(Authenticator, ReviewsTokens) {
  authenticator auth;
  const std::string sa =
      auth.issue_service_account_token("devenv", "scaler", "u", {"devenv-scaler"}, now + hours(1));
  auto good = auth.review({{"apiVersion", "authentication.k8s.io/v1"},
                           {"kind", "TokenReview"},
                           {"spec", {{"token", sa}, {"audiences", {"devenv-scaler"}}}}},
                          now);
  ASSERT_TRUE(good);
  EXPECT_TRUE((*good)["status"]["authenticated"].get<bool>());
  EXPECT_EQ((*good)["status"]["user"]["username"], "system:serviceaccount:devenv:scaler");
  EXPECT_EQ((*good)["status"]["audiences"], json::array({"devenv-scaler"}));

  auto bad = auth.review({{"spec", {{"token", "nope"}}}}, now);
  ASSERT_TRUE(bad);
  EXPECT_FALSE((*bad)["status"]["authenticated"].get<bool>());
  EXPECT_EQ((*bad)["kind"], "TokenReview");

  EXPECT_FALSE(auth.review({{"spec", {{"token", ""}}}}, now));
  EXPECT_FALSE(auth.review(json::array(), now));
  EXPECT_FALSE(auth.review({{"spec", {{"token", "x"}, {"audiences", "not-a-list"}}}}, now));
}

}  // namespace
}  // namespace kubesim
