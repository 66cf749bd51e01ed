// Pure parts of src/aws, table-driven: shared config/credentials files, region and endpoint resolution,
// error bodies of every shape, and the EC2/RDS XML parsers on real-shaped and hostile input.
#include <gtest/gtest.h>

#include "aws/api_error.h"
#include "aws/endpoint.h"
#include "aws/environment.h"
#include "aws/rds_xml.h"

namespace devenv::aws {
namespace {

TEST(profile_file, parses_config_and_credentials_sections) {
  const auto config = parse_profile_file(R"(# comment
[default]
region = eu-west-1
; another comment
[profile dev]
region=us-east-2   # inline comment
endpoint_url = http://localhost:4566
s3 =
  max_concurrent_requests = 10
[sso-session corp]
sso_region = eu-west-1
)",
                                         true);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->at("default").at("region"), "eu-west-1");
  EXPECT_EQ(config->at("dev").at("region"), "us-east-2");
  EXPECT_EQ(config->at("dev").at("endpoint_url"), "http://localhost:4566");
  EXPECT_FALSE(config->at("dev").contains("max_concurrent_requests"));
  EXPECT_TRUE(config->contains("sso-session corp"));

  const auto creds =
      parse_profile_file("[dev]\naws_access_key_id = AKID\naws_secret_access_key = a#b;c\n", false);
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->at("dev").at("aws_secret_access_key"), "a#b;c");  // no space: part of the value

  struct bad {
    std::string text;
    std::string message;
  };
  for (const auto& b : std::vector<bad>{{"[default SECRET\nx=1", "line 1"},
                                        {"key = SECRET", "outside a section"},
                                        {"[a]\nSECRET without equals sign", "line 2"}}) {
    auto got = parse_profile_file(b.text, false);
    ASSERT_FALSE(got) << b.text;
    EXPECT_NE(got.error().message.find(b.message), std::string::npos) << got.error().message;
    EXPECT_EQ(got.error().message.find("SECRET"), std::string::npos);  // never echoes content
  }
}

TEST(endpoint, region_and_endpoint_resolution) {
  profiles files{{"default", {{"region", "eu-north-1"}}},
                 {"emu", {{"region", "us-east-1"}, {"endpoint_url", "http://localhost:4566/"}}}};
  struct row {
    std::string name;
    std::map<std::string, std::string> env;
    service_info service;
    std::string region_override;
    std::string url;
    std::string region;
  };
  const std::vector<row> table = {
      {"default endpoint, profile region",
       {},
       ec2_service,
       "",
       "https://ec2.eu-north-1.amazonaws.com",
       "eu-north-1"},
      {"AWS_REGION wins",
       {{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "us-west-2"}},
       rds_service,
       "",
       "https://rds.eu-west-1.amazonaws.com",
       "eu-west-1"},
      {"AWS_DEFAULT_REGION",
       {{"AWS_DEFAULT_REGION", "us-west-2"}},
       sts_service,
       "",
       "https://sts.us-west-2.amazonaws.com",
       "us-west-2"},
      {"explicit region",
       {{"AWS_REGION", "eu-west-1"}},
       dynamodb_service,
       "ap-south-1",
       "https://dynamodb.ap-south-1.amazonaws.com",
       "ap-south-1"},
      {"china",
       {{"AWS_REGION", "cn-north-1"}},
       ec2_service,
       "",
       "https://ec2.cn-north-1.amazonaws.com.cn",
       "cn-north-1"},
      {"service variable beats global",
       {{"AWS_ENDPOINT_URL", "http://g:1"}, {"AWS_ENDPOINT_URL_DYNAMODB", "http://d:2/"}},
       dynamodb_service,
       "",
       "http://d:2",
       "eu-north-1"},
      {"global variable",
       {{"AWS_ENDPOINT_URL", "http://g:1"}, {"AWS_ENDPOINT_URL_EC2", "http://e:3"}},
       rds_service,
       "",
       "http://g:1",
       "eu-north-1"},
      {"profile endpoint_url",
       {{"AWS_PROFILE", "emu"}},
       ec2_service,
       "",
       "http://localhost:4566",
       "us-east-1"},
      {"ignore configured endpoints",
       {{"AWS_ENDPOINT_URL", "http://g:1"}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"}},
       ec2_service,
       "",
       "https://ec2.eu-north-1.amazonaws.com",
       "eu-north-1"},
  };
  for (const auto& r : table) {
    SCOPED_TRACE(r.name);
    auto got = resolve_endpoint(r.service, map_environment(r.env), files, r.region_override);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->url, r.url);
    EXPECT_EQ(got->region, r.region);
    EXPECT_EQ(got->signing_name, r.service.signing_name);
  }
  EXPECT_FALSE(resolve_endpoint(ec2_service, map_environment({}), {}));  // no region anywhere
  EXPECT_FALSE(resolve_endpoint(ec2_service,
                                map_environment({{"AWS_REGION", "x"}, {"AWS_ENDPOINT_URL", "ftp://h"}}), {}));
  EXPECT_FALSE(resolve_endpoint(ec2_service,
                                map_environment({{"AWS_REGION", "x"}, {"AWS_ENDPOINT_URL", "http://"}}), {}));
  EXPECT_EQ(endpoint_env_name("DynamoDB"), "AWS_ENDPOINT_URL_DYNAMODB");
  EXPECT_EQ(endpoint_env_name("Resource Groups Tagging API"), "AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API");
}

TEST(api_error, parses_every_error_shape) {
  struct row {
    long status;
    std::string body;
    std::string code;
    std::string message;
    std::string request_id;
    errc kind;
  };
  const std::vector<row> table = {
      {400,
       R"(<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID 'i-9' does not exist</Message></Error></Errors><RequestID>ec2-req</RequestID></Response>)",
       "InvalidInstanceID.NotFound", "The instance ID 'i-9' does not exist", "ec2-req", errc::not_found},
      {400,
       R"(<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>InvalidDBInstanceState</Code><Message>not available</Message></Error><RequestId>rds-req</RequestId></ErrorResponse>)",
       "InvalidDBInstanceState", "not available", "rds-req", errc::conflict},
      {400,
       R"(<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>slow down</Message></Error></Errors></Response>)",
       "RequestLimitExceeded", "slow down", "", errc::too_many_requests},
      {400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"no table"})",
       "ResourceNotFoundException", "no table", "", errc::not_found},
      {400, R"({"__type":"ThrottlingException","Message":"rate"})", "ThrottlingException", "rate", "",
       errc::too_many_requests},
      {403,
       R"(<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>no</Message></Error></Errors></Response>)",
       "UnauthorizedOperation", "no", "", errc::forbidden},
      {403, R"(<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>)",
       "SignatureDoesNotMatch", "", "", errc::unauthorized},
      {503, "<html>Service Unavailable</html", "", "HTTP 503", "", errc::unavailable},
      {502, "", "", "HTTP 502", "", errc::unavailable},
      {400, "{not json", "", "HTTP 400", "", errc::invalid_argument},
  };
  for (const auto& r : table) {
    SCOPED_TRACE(r.body);
    const auto e = parse_error_response(r.status, r.body);
    EXPECT_EQ(e.code, r.code);
    EXPECT_EQ(e.message, r.message);
    EXPECT_EQ(e.request_id, r.request_id);
    EXPECT_EQ(e.kind, r.kind);
    EXPECT_EQ(e.http_status, r.status);
  }
  EXPECT_EQ(parse_error_response(500, "", "hdr-id").request_id, "hdr-id");
  api_error e{errc::conflict, "IncorrectInstanceState", "bad state", "r-1", 400};
  EXPECT_EQ(e.describe(), "IncorrectInstanceState: bad state (request id r-1)");
  EXPECT_EQ(e.to_error().code, errc::conflict);
}

TEST(ec2_xml, parses_reservations_tags_and_tokens) {
  const auto page = parse_describe_instances(
      R"(<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>x</requestId>
<reservationSet>
 <item><reservationId>r-1</reservationId><instancesSet>
  <item><instanceId>i-1</instanceId><instanceState><code>16</code><name>running</name></instanceState>
   <instanceType>t3.micro</instanceType><launchTime>2026-01-01T00:00:00.000Z</launchTime>
   <tagSet><item><key>namespace</key><value>dev1</value></item><item><key>Name</key><value>a &amp; b</value></item></tagSet></item>
  <item><instanceId>i-2</instanceId><instanceState><name>stopped</name></instanceState></item>
 </instancesSet></item>
 <item><reservationId>r-2</reservationId><instancesSet><item><instanceId>i-3</instanceId></item></instancesSet></item>
</reservationSet><nextToken>tok==</nextToken></DescribeInstancesResponse>)");
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->instances.size(), 3u);
  EXPECT_EQ(page->next_token, "tok==");
  EXPECT_EQ(page->instances[0].state, "running");
  EXPECT_EQ(find_tag(page->instances[0].tags, "Name"), "a & b");
  EXPECT_EQ(page->instances[1].state, "stopped");
  EXPECT_TRUE(page->instances[2].tags.empty());

  for (const std::string bad :
       {"", "<DescribeInstancesResponse>", "<Other/>",
        "<DescribeInstancesResponse><reservationSet><item><instancesSet><item/></instancesSet>"
        "</item></reservationSet></DescribeInstancesResponse>"}) {
    EXPECT_FALSE(parse_describe_instances(bad)) << bad;
  }
  auto changes = parse_instance_state_changes(
      "<StopInstancesResponse><instancesSet><item><instanceId>i-1</instanceId><currentState><name>stopping</"
      "name>"
      "</currentState><previousState><name>running</name></previousState></item></instancesSet></"
      "StopInstancesResponse>");
  ASSERT_TRUE(changes);
  EXPECT_EQ((*changes)[0].previous_state, "running");
  EXPECT_EQ((*changes)[0].current_state, "stopping");
  EXPECT_FALSE(parse_instance_state_changes("<DescribeInstancesResponse/>"));
}

TEST(rds_xml, parses_pages_and_actions) {
  auto page = parse_describe_db_instances(
      "<DescribeDBInstancesResponse><DescribeDBInstancesResult><Marker>m2</Marker><DBInstances><DBInstance>"
      "<DBInstanceIdentifier>db1</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus>"
      "<DBClusterIdentifier>c1</DBClusterIdentifier><TagList><Tag><Key>namespace</Key><Value>dev1</Value></"
      "Tag>"
      "</TagList></DBInstance></DBInstances></DescribeDBInstancesResult></DescribeDBInstancesResponse>");
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->marker, "m2");
  EXPECT_EQ(page->instances[0].cluster_identifier, "c1");
  EXPECT_EQ(find_tag(page->instances[0].tags, "namespace"), "dev1");
  EXPECT_FALSE(parse_describe_db_instances("<DescribeDBInstancesResponse/>"));
  EXPECT_FALSE(parse_describe_db_clusters(
      "<DescribeDBInstancesResponse><DescribeDBInstancesResult/></DescribeDBInstancesResponse>"));
  auto stopped = parse_db_instance_action(
      "<StopDBInstanceResponse><StopDBInstanceResult><DBInstance><DBInstanceIdentifier>db1</"
      "DBInstanceIdentifier>"
      "<DBInstanceStatus>stopping</DBInstanceStatus></DBInstance></StopDBInstanceResult></"
      "StopDBInstanceResponse>");
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->status, "stopping");
  EXPECT_FALSE(
      parse_db_instance_action("<StopDBInstanceResponse><StopDBInstanceResult/></StopDBInstanceResponse>"));
  auto cluster = parse_db_cluster_action(
      "<StartDBClusterResponse><StartDBClusterResult><DBCluster><DBClusterIdentifier>c1</DBClusterIdentifier>"
      "<Status>starting</Status><DBClusterMembers><DBClusterMember><DBInstanceIdentifier>c1-a</"
      "DBInstanceIdentifier>"
      "</DBClusterMember></DBClusterMembers></DBCluster></StartDBClusterResult></StartDBClusterResponse>");
  ASSERT_TRUE(cluster);
  EXPECT_EQ(cluster->members, std::vector<std::string>{"c1-a"});
  EXPECT_FALSE(parse_db_cluster_action("<StopDBInstanceResponse/>"));
}

// Every truncation of real-shaped answers is either parsed or rejected, never a crash (run under ASan/UBSan
// in CI); the fuzz targets go further.
TEST(parsers, survive_every_truncation) {
  const std::string ec2 =
      "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>i-1</instanceId>"
      "<instanceState><name>running</name></instanceState><tagSet><item><key>k</key><value>v</value></item>"
      "</tagSet></item></instancesSet></item></reservationSet><nextToken>t</nextToken></"
      "DescribeInstancesResponse>";
  const std::string rds =
      "<DescribeDBInstancesResponse><DescribeDBInstancesResult><Marker>m</Marker><DBInstances><DBInstance>"
      "<DBInstanceIdentifier>db1</DBInstanceIdentifier><TagList><Tag><Key>k</Key><Value>v</Value></Tag></"
      "TagList>"
      "</DBInstance></DBInstances></DescribeDBInstancesResult></DescribeDBInstancesResponse>";
  const std::string error = R"({"__type":"x#ThrottlingException","message":"m"})";
  const std::string profile = "[profile a]\nregion = eu-west-1\n[b]\nkey = value\n";
  int parsed = 0;
  for (std::size_t n = 0; n <= ec2.size(); ++n) parsed += parse_describe_instances(ec2.substr(0, n)) ? 1 : 0;
  for (std::size_t n = 0; n <= rds.size(); ++n)
    parsed += parse_describe_db_instances(rds.substr(0, n)) ? 1 : 0;
  for (std::size_t n = 0; n <= error.size(); ++n) parse_error_response(400, error.substr(0, n));
  for (std::size_t n = 0; n <= profile.size(); ++n) (void)parse_profile_file(profile.substr(0, n), true);
  EXPECT_EQ(parsed, 2);  // only the complete documents
}

}  // namespace
}  // namespace devenv::aws
