// SigV4 proven against two judges: the published AWS SigV4 test suite (signatures as published in
// awslabs/aws-c-auth tests/aws-signing-test-suite/v4) and botocore's SigV4Auth run by sigv4_oracle.py on a
// table of requests like ours (Query POST forms, JSON bodies, session tokens, reserved and unicode
// characters).
#include "aws/sigv4.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::aws {
namespace {

using namespace std::chrono_literals;

// 2015-08-30T12:36:00Z, the test suite's instant.
time_point suite_time() {
  return time_point{std::chrono::seconds{1440938160}};
}

const credentials suite_credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", {}, ""};
const signing_scope suite_scope{"us-east-1", "service"};

std::string signature_of(const std::string& authorization) {
  const auto at = authorization.find("Signature=");
  return at == std::string::npos ? "" : authorization.substr(at + 10);
}

struct suite_case {
  std::string name;
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  header_list headers;
  std::string body;
  std::string token;
  std::string signed_headers;
  std::string signature;
};

TEST(sigv4_suite, matches_published_signatures) {
  const std::vector<suite_case> cases = {
      {"get-vanilla",
       "GET",
       "/",
       {},
       {},
       "",
       "",
       "host;x-amz-date",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "/",
       {{"Param2", "value2"}, {"Param1", "value1"}},
       {},
       "",
       "",
       "host;x-amz-date",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-query-unreserved",
       "GET",
       "/",
       {{"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
         "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}},
       {},
       "",
       "",
       "host;x-amz-date",
       "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query",
       "GET",
       "/",
       {{"\xe1\x88\xb4", "bar"}},
       {},
       "",
       "",
       "host;x-amz-date",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-utf8",
       "GET",
       "/\xe1\x88\xb4",
       {},
       {},
       "",
       "",
       "host;x-amz-date",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-slashes-normalized",
       "GET",
       "//example//",
       {},
       {},
       "",
       "",
       "host;x-amz-date",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"get-header-value-trim",
       "GET",
       "/",
       {},
       {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       "",
       "",
       "host;my-header1;my-header2;x-amz-date",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-header-key-duplicate",
       "GET",
       "/",
       {},
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
       "",
       "",
       "host;my-header1;x-amz-date",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-vanilla-with-session-token",
       "GET",
       "/",
       {},
       {},
       "",
       "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267",
       "host;x-amz-date;x-amz-security-token",
       "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"},
      {"post-x-www-form-urlencoded",
       "POST",
       "/",
       {},
       {{"Content-Type", "application/x-www-form-urlencoded"},
        {"Content-Length", "13"},
        {"x-amz-content-sha256", "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"}},
       "Param1=value1",
       "",
       "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
       "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    signing_request request{c.method, "example.amazonaws.com", c.path, c.query, c.headers, c.body};
    auto creds = suite_credentials;
    creds.session_token = c.token;
    const auto out = sign(request, creds, suite_scope, suite_time());
    EXPECT_EQ(
        out.authorization,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=" +
            c.signed_headers + ", Signature=" + c.signature);
  }
}

TEST(sigv4_suite, signing_key_matches_published_derivation) {
  // The key derivation example in the SigV4 documentation: 2012-02-15, us-east-1, iam.
  const time_point t{std::chrono::sys_days{std::chrono::year{2012} / 2 / 15}};
  const auto key = signing_key(suite_credentials.secret_access_key, t, {"us-east-1", "iam"});
  std::string hex;
  for (unsigned char c : key) hex += fmt::format("{:02x}", c);
  EXPECT_EQ(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(sigv4_pure, encoding_and_normalisation) {
  EXPECT_EQ(uri_encode("a b+c/d~e*", false), "a%20b%2Bc%2Fd~e%2A");
  EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
  EXPECT_EQ(normalize_path(""), "/");
  EXPECT_EQ(normalize_path("/a/./b/../c/"), "/a/c/");
  EXPECT_EQ(normalize_path("/.."), "/");
  EXPECT_EQ(canonical_query_string({{"b", "2"}, {"a", "x y"}, {"a", "1"}}), "a=1&a=x%20y&b=2");
  EXPECT_EQ(amz_date(suite_time() + 999ms), "20150830T123600Z");
}

// ---- botocore --------------------------------------------------------------------------------------------

struct oracle_case {
  std::string name;
  std::string method;
  std::string host;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  header_list headers;
  std::string body;
  std::string token;
  signing_scope scope;
};

TEST(sigv4_botocore, matches_byte_for_byte) {
  const std::string form_ct = "application/x-www-form-urlencoded; charset=utf-8";
  const std::vector<oracle_case> cases = {
      {"get with query",
       "GET",
       "ec2.eu-west-1.amazonaws.com",
       "/",
       {{"Action", "DescribeInstances"},
        {"Version", "2016-11-15"},
        {"Filter.1.Name", "tag:namespace"},
        {"Filter.1.Value.1", "dev1"}},
       {},
       "",
       "",
       {"eu-west-1", "ec2"}},
      {"query POST form",
       "POST",
       "ec2.eu-west-1.amazonaws.com",
       "/",
       {},
       {{"Content-Type", form_ct}},
       canonical_query_string({{"Action", "StopInstances"},
                               {"Version", "2016-11-15"},
                               {"InstanceId.1", "i-1"},
                               {"InstanceId.2", "i-2"}}),
       "",
       {"eu-west-1", "ec2"}},
      {"rds form with session token",
       "POST",
       "rds.us-east-1.amazonaws.com",
       "/",
       {},
       {{"Content-Type", form_ct}},
       "Action=DescribeDBInstances&Marker=abc%3D%3D&MaxRecords=20&Version=2014-10-31",
       "FwoGZXIvYXdzEJr//////////wEaDN+token/with+plus==",
       {"us-east-1", "rds"}},
      {"dynamodb json 1.0",
       "POST",
       "dynamodb.eu-central-1.amazonaws.com",
       "/",
       {},
       {{"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", "DynamoDB_20120810.GetItem"}},
       R"({"TableName":"inventory","Key":{"pk":{"S":"env#dev1"}}})",
       "",
       {"eu-central-1", "dynamodb"}},
      {"unicode and reserved in path and query",
       "GET",
       "example.amazonaws.com",
       "/caf\xc3\xa9/a b/%41+x/../y:z",
       {{"k ey", "v/a=l&u+e"}, {"\xe2\x9c\x93", "\xc3\xa9t\xc3\xa9"}, {"empty", ""}, {"a", "2"}, {"a", "1"}},
       {},
       "",
       "",
       {"us-west-2", "execute-api"}},
      {"headers trimmed and repeated, user-agent unsigned",
       "PUT",
       "localhost:4566",
       "/x/",
       {},
       {{"X-Custom", "  a   b  "},
        {"x-custom", "c"},
        {"User-Agent", "devenv-scaler"},
        {"Content-Type", "text/plain"}},
       "hello\n",
       "",
       {"us-east-1", "sts"}},
      {"empty body, custom port, no query",
       "POST",
       "127.0.0.1:8080",
       "/",
       {},
       {},
       "",
       "tok",
       {"eu-west-1", "ec2"}},
  };

  nlohmann::json table = nlohmann::json::array();
  for (const auto& c : cases) {
    nlohmann::json params = nlohmann::json::array(), headers = nlohmann::json::array();
    for (const auto& [k, v] : c.query) params.push_back({k, v});
    for (const auto& [k, v] : c.headers) headers.push_back({k, v});
    table.push_back({{"method", c.method},
                     {"host", c.host},
                     {"path", c.path},
                     {"params", params},
                     {"headers", headers},
                     {"body", c.body},
                     {"access_key", "AKIDEXAMPLE"},
                     {"secret_key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                     {"token", c.token},
                     {"region", c.scope.region},
                     {"service", c.scope.service},
                     {"time", "20260301T083015Z"}});
  }
  testing::temp_dir dir("aws-sigv4");
  const auto input = dir.write("cases.json", table.dump());
  const auto run = testing::run_command(
      {"/usr/bin/python3", testing::source_path("tests/aws/sigv4_oracle.py").string(), input.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto answers = nlohmann::json::parse(run.out);
  ASSERT_EQ(answers.size(), cases.size());

  const time_point t{std::chrono::sys_days{std::chrono::year{2026} / 3 / 1} + 8h + 30min + 15s};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    SCOPED_TRACE(c.name);
    signing_request request{c.method, c.host, c.path, c.query, c.headers, c.body};
    credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", c.token, {}, ""};
    const auto out = sign(request, creds, c.scope, t);
    EXPECT_EQ(out.canonical_request, answers[i]["canonical_request"].get<std::string>());
    EXPECT_EQ(out.string_to_sign, answers[i]["string_to_sign"].get<std::string>());
    EXPECT_EQ(out.authorization, answers[i]["authorization"].get<std::string>());
    EXPECT_EQ(signature_of(out.authorization).size(), 64u);
  }
}

TEST(sigv4_pure, sign_adds_date_token_and_authorization_once) {
  signing_request request{"POST", "h", "/", {}, {{"Authorization", "stale"}, {"X-Amz-Date", "old"}}, ""};
  auto creds = suite_credentials;
  creds.session_token = "tok";
  const auto out = sign(request, creds, suite_scope, suite_time());
  int authorizations = 0, dates = 0;
  for (const auto& [k, v] : out.headers) {
    if (k == "Authorization") {
      ++authorizations;
      EXPECT_EQ(v, out.authorization);
    }
    if (k == "X-Amz-Date") {
      ++dates;
      EXPECT_EQ(v, "20150830T123600Z");
    }
  }
  EXPECT_EQ(authorizations, 1);
  EXPECT_EQ(dates, 1);
  EXPECT_NE(out.authorization.find("SignedHeaders=host;x-amz-date;x-amz-security-token,"), std::string::npos);
}

}  // namespace
}  // namespace devenv::aws
