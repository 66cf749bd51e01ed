#include "kube/api_error.h"

#include <gtest/gtest.h>

namespace devenv::kube {
namespace {

struct mapping_case {
  int status;
  std::string body;
  errc code;
  std::string reason;
  std::string message;
};

TEST(ApiError, MapsStatusBodies) {
  std::vector<mapping_case> cases = {
      {404,
       R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"namespaces \"x\" not found","reason":"NotFound","code":404})",
       errc::not_found, "NotFound", "namespaces \"x\" not found"},
      {409, R"({"kind":"Status","reason":"Conflict","message":"the object has been modified"})",
       errc::conflict, "Conflict", "the object has been modified"},
      {409, R"({"kind":"Status","reason":"AlreadyExists","message":"exists"})", errc::conflict,
       "AlreadyExists", "exists"},
      {403, R"({"kind":"Status","reason":"Forbidden","message":"no"})", errc::forbidden, "Forbidden", "no"},
      {401, R"({"kind":"Status","reason":"Unauthorized","message":"Unauthorized"})", errc::unauthorized,
       "Unauthorized", "Unauthorized"},
      {422, R"({"kind":"Status","reason":"Invalid","message":"spec.replicas: Invalid value"})",
       errc::invalid_argument, "Invalid", "spec.replicas: Invalid value"},
      {400, R"({"kind":"Status","reason":"BadRequest","message":"bad"})", errc::invalid_argument,
       "BadRequest", "bad"},
      {429, R"({"kind":"Status","reason":"TooManyRequests","message":"slow down"})", errc::too_many_requests,
       "TooManyRequests", "slow down"},
      {410, R"({"kind":"Status","reason":"Expired","message":"too old resource version"})", errc::conflict,
       "Expired", "too old resource version"},
      {503, "<html>bad gateway</html>", errc::unavailable, "ServiceUnavailable", "<html>bad gateway</html>"},
      {500, "", errc::unavailable, "InternalError", ""},
      {504, R"({"kind":"Status","message":"timeout"})", errc::timeout, "Timeout", "timeout"},
      {418, "", errc::internal, "Unknown", ""},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.status);
    auto status = parse_status(tc.status, tc.body);
    EXPECT_EQ(status.http_status, tc.status);
    EXPECT_EQ(status.reason, tc.reason);
    EXPECT_EQ(status.message, tc.message);
    auto e = to_error(status, "PATCH", "/api/v1/namespaces/x");
    EXPECT_EQ(e.code, tc.code);
    EXPECT_EQ(e.message.rfind(tc.reason + ": ", 0), 0u) << e.message;
    EXPECT_NE(e.message.find("PATCH /api/v1/namespaces/x"), std::string::npos) << e.message;
  }
}

TEST(ApiError, DistinguishesAlreadyExistsAndGoneFromConflict) {
  auto exists = to_error(parse_status(409, R"({"kind":"Status","reason":"AlreadyExists","message":"m"})"),
                         "CREATE", "/p");
  auto conflict =
      to_error(parse_status(409, R"({"kind":"Status","reason":"Conflict","message":"m"})"), "PATCH", "/p");
  auto gone =
      to_error(parse_status(410, R"({"kind":"Status","reason":"Expired","message":"m"})"), "LIST", "/p");
  EXPECT_TRUE(is_already_exists(exists));
  EXPECT_FALSE(is_already_exists(conflict));
  EXPECT_FALSE(is_gone(conflict));
  EXPECT_TRUE(is_gone(gone));
  EXPECT_TRUE(is_gone(to_error(parse_status(410, ""), "LIST", "/p")));
}

}  // namespace
}  // namespace devenv::kube
