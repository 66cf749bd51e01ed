// The credential chain against fake_aws.py's STS (AssumeRoleWithWebIdentity), container and IMDSv2
// endpoints: each source alone, their precedence, refresh before expiry, and configured-but-broken sources
// stopping the chain. Time is a parameter: no test waits for expiry.
#include "aws/credential_chain.h"

#include <date/date.h>
#include <gtest/gtest.h>

#include <sstream>

#include "aws/ec2_client.h"
#include "aws/test_clients.h"
#include "support/temp_dir.h"

namespace devenv::aws {
namespace {

using devenv::testing::fake_aws;
using devenv::testing::fake_aws_fixture;
using nlohmann::json;
using namespace std::chrono_literals;

const std::string role_arn = "arn:aws:iam::123456789012:role/devenv-scaler";

time_point at(const std::string& rfc3339) {
  std::istringstream in(rfc3339);
  date::sys_seconds t;
  in >> date::parse("%FT%TZ", t);
  return time_point{t};
}

class credential_chain_test : public ::testing::Test {
 protected:
  devenv::testing::temp_dir dir_{"aws-creds"};
  json fixture_ = [] {
    auto f = fake_aws_fixture(json::array({{{"id", "i-1"}, {"state", "running"}, {"tags", json::object()}}}));
    f["sts"] = {{"roles", {{role_arn, "projected-sa-token"}}},
                {"expirations", {"2030-01-01T01:00:00Z", "2030-01-01T02:00:00Z"}}};
    f["container"] = {{"authorization", "pod-identity-token"}, {"expirations", {"2030-01-01T06:00:00Z"}}};
    f["imds"] = {{"role", "node-role"}, {"expirations", {"2030-01-01T06:00:00Z"}}};
    return f;
  }();
  fake_aws fake_{dir_.path() / "fake", fixture_};
  http::curl_client http_;

  void SetUp() override { ASSERT_TRUE(fake_.ready()) << fake_.log(); }

  // Only what each test sets; IMDS points at the fake unless a test overrides it, so nothing reaches the
  // real link-local address.
  std::map<std::string, std::string> base() const {
    return {{"AWS_REGION", "eu-west-1"},
            {"AWS_ENDPOINT_URL_STS", fake_.url()},
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT", fake_.url()},
            {"HOME", dir_.path().string()}};
  }
  std::map<std::string, std::string> web_identity(std::map<std::string, std::string> env) const {
    env["AWS_ROLE_ARN"] = role_arn;
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = dir_.write("token", "projected-sa-token\n").string();
    env["AWS_ROLE_SESSION_NAME"] = "devenv-test";
    return env;
  }
  std::map<std::string, std::string> profile_files(std::map<std::string, std::string> env) const {
    env["AWS_CONFIG_FILE"] = dir_.write("config", "[default]\nregion = eu-west-1\n").string();
    env["AWS_SHARED_CREDENTIALS_FILE"] =
        dir_.write("credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n")
            .string();
    return env;
  }
  std::map<std::string, std::string> container(std::map<std::string, std::string> env) const {
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = fake_.url() + "/v1/credentials";
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = dir_.write("eks-token", "pod-identity-token").string();
    return env;
  }

  std::shared_ptr<credentials_provider> chain(const std::map<std::string, std::string>& env) {
    const auto lookup = map_environment(env);
    auto files = load_profiles(lookup);
    EXPECT_TRUE(files) << files.error().message;
    return default_credentials_chain(lookup, files.value_or(profiles{}), http_);
  }
};

TEST_F(credential_chain_test, precedence_follows_the_sdk_order) {
  auto env_keys = [](std::map<std::string, std::string> env) {
    env["AWS_ACCESS_KEY_ID"] = "AKIDENV";
    env["AWS_SECRET_ACCESS_KEY"] = "env-secret";
    env["AWS_SESSION_TOKEN"] = "env-token";
    return env;
  };
  struct row {
    std::string name;
    std::map<std::string, std::string> env;
    std::string source;
    std::string key_prefix;
  };
  const std::vector<row> table = {
      {"environment first", env_keys(web_identity(profile_files(container(base())))), "environment",
       "AKIDENV"},
      {"web identity next", web_identity(profile_files(container(base()))), "web-identity", "ASIAFAKESTS"},
      {"then shared files", profile_files(container(base())), "profile default", "AKIDPROFILE"},
      {"then container", container(base()), "container", "ASIAFAKECONTAINER"},
      {"IMDS last", base(), "imds", "ASIAFAKEIMDS"},
  };
  for (const auto& r : table) {
    SCOPED_TRACE(r.name);
    auto creds = chain(r.env)->get(at("2030-01-01T00:00:00Z"));
    ASSERT_TRUE(creds) << creds.error().message;
    EXPECT_EQ(creds->source, r.source);
    EXPECT_TRUE(creds->access_key_id.starts_with(r.key_prefix)) << creds->access_key_id;
  }
  EXPECT_EQ(fake_.count("AssumeRoleWithWebIdentity"), 1);  // only the web-identity row asked STS
}

TEST_F(credential_chain_test, web_identity_credentials_sign_ec2_calls_and_refresh_before_expiry) {
  const auto provider = chain(web_identity(base()));
  const auto t0 = at("2030-01-01T00:00:00Z");
  auto first = provider->get(t0);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->expiration, at("2030-01-01T01:00:00Z"));
  EXPECT_FALSE(first->session_token.empty());
  // Still cached ten minutes before expiry...
  auto cached = provider->get(at("2030-01-01T00:50:00Z"));
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->access_key_id, first->access_key_id);
  EXPECT_EQ(fake_.count("AssumeRoleWithWebIdentity"), 1);
  // ...refreshed within the five-minute margin, before the old ones expire.
  auto refreshed = provider->get(at("2030-01-01T00:56:00Z"));
  ASSERT_TRUE(refreshed);
  EXPECT_NE(refreshed->access_key_id, first->access_key_id);
  EXPECT_EQ(refreshed->expiration, at("2030-01-01T02:00:00Z"));
  EXPECT_EQ(fake_.count("AssumeRoleWithWebIdentity"), 2);
  const auto sts_call = fake_.requests().front()["params"];
  EXPECT_EQ(sts_call["RoleArn"], role_arn);
  EXPECT_EQ(sts_call["RoleSessionName"], "devenv-test");
  EXPECT_EQ(sts_call["WebIdentityToken"], "projected-sa-token");

  // The temporary credentials (with their session token) are accepted by the botocore-checking EC2 fake.
  signed_client_effects effects;
  effects.now = [] { return at("2030-01-01T00:57:00Z"); };
  signed_client client(http_, provider, {fake_.url(), "eu-west-1", "ec2"}, {}, effects);
  auto instances = ec2_client(client).describe_instances({});
  ASSERT_TRUE(instances) << instances.error().describe();
  EXPECT_EQ(instances->size(), 1u);
  EXPECT_EQ(fake_.requests().back()["access_key_id"], refreshed->access_key_id);
}

TEST_F(credential_chain_test, a_configured_but_broken_source_stops_the_chain) {
  struct row {
    std::string name;
    std::map<std::string, std::string> env;
    std::string message_part;
  };
  auto bad_token = web_identity(profile_files(base()));
  bad_token["AWS_WEB_IDENTITY_TOKEN_FILE"] = dir_.write("bad-token", "forged").string();
  auto missing_token_file = web_identity(base());
  missing_token_file["AWS_WEB_IDENTITY_TOKEN_FILE"] = (dir_.path() / "absent").string();
  auto half_env = profile_files(base());
  half_env["AWS_ACCESS_KEY_ID"] = "AKIDONLY";
  auto bad_container = container(base());
  bad_container["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = dir_.write("wrong", "wrong-token").string();
  auto remote_http = base();
  remote_http["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://198.51.100.7/creds";
  auto missing_profile = profile_files(base());
  missing_profile["AWS_PROFILE"] = "nope";
  const std::vector<row> table = {
      {"STS rejects the token", bad_token, "InvalidIdentityToken"},
      {"token file missing", missing_token_file, "cannot read token file"},
      {"half the environment keys", half_env, "must be set together"},
      {"container refuses the token", bad_container, "HTTP 403"},
      {"container URI not allowed", remote_http, "loopback"},
      {"named profile absent", missing_profile, "'nope' not found"},
  };
  for (const auto& r : table) {
    SCOPED_TRACE(r.name);
    auto creds = chain(r.env)->get(at("2030-01-01T00:00:00Z"));
    ASSERT_FALSE(creds) << creds->source;
    EXPECT_NE(creds.error().message.find(r.message_part), std::string::npos) << creds.error().message;
    EXPECT_NE(creds.error().code, errc::unauthorized);
  }
}

TEST_F(credential_chain_test, nothing_configured_is_unauthorized) {
  auto env = base();
  env["AWS_EC2_METADATA_DISABLED"] = "true";
  auto creds = chain(env)->get(at("2030-01-01T00:00:00Z"));
  ASSERT_FALSE(creds);
  EXPECT_EQ(creds.error().code, errc::unauthorized);
  EXPECT_NE(creds.error().message.find("no AWS credentials found"), std::string::npos);
  // An unreachable IMDS (off EC2) also just means "none".
  env.erase("AWS_EC2_METADATA_DISABLED");
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:1";
  auto none = chain(env)->get(at("2030-01-01T00:00:00Z"));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, errc::unauthorized);
}

TEST_F(credential_chain_test, imds_uses_a_session_token) {
  auto creds = make_imds_provider(map_environment(base()), http_)->get(at("2030-01-01T00:00:00Z"));
  ASSERT_TRUE(creds) << creds.error().message;
  EXPECT_EQ(creds->expiration, at("2030-01-01T06:00:00Z"));
  // Without the PUT-issued token the metadata service refuses (IMDSv2 only).
  http::client_request r;
  r.url = fake_.url() + "/latest/meta-data/iam/security-credentials/";
  auto v1 = http_.perform(r);
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->status, 401);
}

struct counting_provider final : credentials_provider {
  std::vector<result<credentials>> answers;
  int calls = 0;
  result<credentials> get(time_point) override {
    return answers[std::min<std::size_t>(calls++, answers.size() - 1)];
  }
};

TEST(caching_provider, keeps_valid_credentials_when_a_refresh_fails) {
  auto inner = std::make_shared<counting_provider>();
  inner->answers = {credentials{"A1", "s", "t", at("2030-01-01T01:00:00Z"), "x"},
                    fail(errc::unavailable, "STS down"),
                    credentials{"A2", "s", "t", at("2030-01-01T02:00:00Z"), "x"}};
  caching_provider cache(inner, std::chrono::minutes(5));
  EXPECT_EQ(cache.get(at("2030-01-01T00:00:00Z"))->access_key_id, "A1");
  EXPECT_EQ(inner->calls, 1);
  EXPECT_EQ(cache.get(at("2030-01-01T00:58:00Z"))->access_key_id, "A1");  // refresh failed, old still valid
  EXPECT_EQ(inner->calls, 2);
  EXPECT_EQ(cache.get(at("2030-01-01T00:59:00Z"))->access_key_id, "A2");
  EXPECT_EQ(inner->calls, 3);
  inner->answers = {fail(errc::unavailable, "STS down")};
  inner->calls = 0;
  auto expired = cache.get(at("2030-01-01T02:00:01Z"));
  ASSERT_FALSE(expired);  // never hands out expired credentials
  EXPECT_EQ(expired.error().message, "STS down");
}

TEST(container_credentials_url, relative_and_full_uris) {
  struct row {
    std::map<std::string, std::string> env;
    std::optional<std::string> url;
    bool ok;
  };
  const std::vector<row> table = {
      {{}, std::nullopt, true},
      {{{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"}},
       "http://169.254.170.2/v2/credentials/abc",
       true},
      {{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"}},
       "http://169.254.170.23/v1/credentials",
       true},
      {{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://[fd00:ec2::23]/v1/credentials"}},
       "http://[fd00:ec2::23]/v1/credentials",
       true},
      {{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:8080/creds"}},
       "http://127.0.0.1:8080/creds",
       true},
      {{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://creds.example.com/x"}},
       "https://creds.example.com/x",
       true},
      {{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://creds.example.com/x"}}, std::nullopt, false},
      {{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1.evil.com/x"}}, std::nullopt, false},
      {{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "ftp://127.0.0.1/x"}}, std::nullopt, false},
  };
  for (const auto& r : table) {
    auto got = container_credentials_url(map_environment(r.env));
    ASSERT_EQ(got.has_value(), r.ok) << (r.env.empty() ? "" : r.env.begin()->second);
    if (got) {
      EXPECT_EQ(*got, r.url);
    }
  }
}

TEST(credential_documents, parse_sts_and_json) {
  auto sts = parse_sts_credentials(
      R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2030-01-01T01:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>)");
  ASSERT_TRUE(sts) << sts.error().message;
  EXPECT_EQ(sts->access_key_id, "ASIA1");
  EXPECT_EQ(sts->expiration, at("2030-01-01T01:00:00Z"));
  EXPECT_FALSE(parse_sts_credentials(
      "<ErrorResponse><Error><Code>ExpiredTokenException</Code></Error></ErrorResponse>"));
  EXPECT_FALSE(parse_sts_credentials("<AssumeRoleWithWebIdentityResponse/>"));
  EXPECT_FALSE(parse_sts_credentials("not xml"));
  auto json_creds = parse_json_credentials(
      R"({"AccessKeyId":"ASIA2","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T06:00:00Z"})");
  ASSERT_TRUE(json_creds);
  EXPECT_EQ(json_creds->session_token, "t");
  EXPECT_FALSE(parse_json_credentials(R"({"Code":"Failure","AccessKeyId":"A","SecretAccessKey":"s"})"));
  EXPECT_FALSE(parse_json_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"soon"})"));
  EXPECT_FALSE(parse_json_credentials("[1,2]"));
  EXPECT_FALSE(parse_json_credentials("{"));
}

}  // namespace
}  // namespace devenv::aws
