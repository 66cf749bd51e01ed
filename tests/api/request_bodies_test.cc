// The REST API's request bodies: each documented shape is accepted, and each kind of bad body is refused with
// errc::invalid_argument and the exact message the caller sees.
#include "api/request_bodies.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/duration.h"

namespace devenv::api {
namespace {

using std::chrono::minutes;

struct refusal {
  std::string body;
  std::string message;
};

template <class Parse>
void expect_refusals(Parse parse, const std::vector<refusal>& table) {
  for (const auto& r : table) {
    SCOPED_TRACE(r.body);
    const auto got = parse(r.body);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().code, errc::invalid_argument);
    EXPECT_EQ(got.error().message, r.message);
  }
}

TEST(action_body, empty_or_reason) {
  for (const std::string blank : {"", " ", "\r\n\t "}) EXPECT_EQ(parse_action_body(blank), action_request{});
  EXPECT_EQ(parse_action_body("{}"), action_request{});
  EXPECT_EQ(parse_action_body(R"({"reason":"release 4.2"})")->reason, "release 4.2");
  EXPECT_EQ(parse_action_body(R"( {"reason":""} )")->reason, "");
  // 200 characters is the bound, counted in characters: 200 two-byte "é" (400 bytes) are accepted.
  EXPECT_EQ(parse_action_body(R"({"reason":")" + std::string(200, 'x') + "\"}")->reason.size(), 200u);
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\u00e9";
  EXPECT_EQ(parse_action_body(R"({"reason":")" + accents + "\"}")->reason, accents);
}

TEST(action_body, refusals) {
  const std::string not_object = "request body is not a JSON object";
  const std::string bad_reason = "reason must be a string of at most 200 characters";
  expect_refusals(parse_action_body,
                  {{"reason", not_object},
                   {"[]", not_object},
                   {R"("reason")", not_object},
                   {"null", not_object},
                   {R"({"reason":"x"} trailing)", not_object},
                   {R"({"reason":"x")", not_object},
                   {"{\"reason\":\"\xff\"}", not_object},  // not UTF-8
                   {R"({"reason":"x","force":true})", "unknown field 'force' in request body"},
                   {R"({"Reason":"x"})", "unknown field 'Reason' in request body"},
                   {R"({"reason":5})", bad_reason},
                   {R"({"reason":null})", bad_reason},
                   {R"({"reason":["x"]})", bad_reason},
                   {R"({"reason":")" + std::string(201, 'x') + "\"}", bad_reason}});
}

TEST(prolong_body, duration_and_optional_reason) {
  EXPECT_EQ(parse_prolong_body(R"({"duration":"1h"})"), (prolong_request{minutes(60), ""}));
  EXPECT_EQ(parse_prolong_body(R"({"duration":"1h30m","reason":"demo"})"),
            (prolong_request{minutes(90), "demo"}));
  EXPECT_EQ(parse_prolong_body(R"({"duration":"2 hours"})")->duration, minutes(120));
  EXPECT_EQ(parse_prolong_body(R"({"duration":"366d"})")->duration, minutes(366 * 24 * 60));
}

TEST(prolong_body, refusals) {
  const std::string not_object = R"(request body must be a JSON object like {"duration":"1h"})";
  const std::string required = R"(duration is required, as a string such as "1h" or "30m")";
  expect_refusals(parse_prolong_body,
                  {{"", not_object},
                   {"1h", not_object},
                   {R"(["1h"])", not_object},
                   {R"({"duration":"1h",})", not_object},
                   {"{}", required},
                   {R"({"reason":"demo"})", required},
                   {R"({"duration":60})", required},
                   {R"({"duration":null})", required},
                   {R"({"duration":"1h","until":"18:00"})", "unknown field 'until' in request body"},
                   {R"({"duration":"1h","reason":1})", "reason must be a string"},
                   {R"({"duration":"0m"})", "duration: " + parse_duration("0m").error().message},
                   {R"({"duration":"90"})", "duration: " + parse_duration("90").error().message},
                   {R"({"duration":"367d"})", "duration: " + parse_duration("367d").error().message}});
  // The messages quoted from parse_duration are its own, not empty.
  for (const char* bad : {"0m", "90", "367d"})
    EXPECT_FALSE(parse_duration(bad).error().message.empty()) << bad;
}

TEST(support_pod_body, name_and_optional_size) {
  EXPECT_EQ(parse_support_pod_body(R"({"name":"manage1","size":"XL"})"),
            (support_pod_request{"manage1", "XL"}));
  EXPECT_EQ(parse_support_pod_body(R"({"name":"manage1"})"), (support_pod_request{"manage1", ""}));
  // The shape only: the name's syntax and the size are support_service's to judge (422).
  EXPECT_EQ(parse_support_pod_body(R"({"name":"Not A Label","size":"huge"})"),
            (support_pod_request{"Not A Label", "huge"}));
}

TEST(support_pod_body, refusals) {
  const std::string not_object = R"(request body must be a JSON object like {"name":"manage1","size":"M"})";
  expect_refusals(parse_support_pod_body, {{"", not_object},
                                           {"manage1", not_object},
                                           {R"([{"name":"manage1"}])", not_object},
                                           {"{}", "name is required"},
                                           {R"({"size":"M"})", "name is required"},
                                           {R"({"name":"m","owner":"bob"})", "unknown field 'owner'"},
                                           {R"({"name":1})", "name must be a string"},
                                           {R"({"name":"m","size":2})", "size must be a string"},
                                           {R"({"name":null})", "name must be a string"}});
}

}  // namespace
}  // namespace devenv::api
