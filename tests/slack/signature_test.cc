#include "slack/signature.h"

#include <gtest/gtest.h>

#include <optional>

namespace devenv::slack {
namespace {

using namespace std::chrono_literals;

// The worked example of https://api.slack.com/authentication/verifying-requests-from-slack (checked against
// `openssl dgst -sha256 -hmac` as well).
constexpr std::string_view doc_secret = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr std::string_view doc_timestamp = "1531420618";
constexpr std::string_view doc_body =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_"
    "name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%"
    "3A%"
    "2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id="
    "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
constexpr std::string_view doc_signature =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

const std::chrono::system_clock::time_point doc_now = std::chrono::sys_seconds{1531420618s};

TEST(Signature, SignReproducesSlacksExample) {
  EXPECT_EQ(sign(doc_secret, doc_timestamp, doc_body), doc_signature);
}

TEST(Signature, Verify) {
  std::string changed_body(doc_body);
  changed_body[10] ^= 1;
  std::string upper(doc_signature);
  for (std::size_t i = 3; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  std::string flipped(doc_signature);
  flipped.back() = flipped.back() == '3' ? '4' : '3';

  const struct {
    const char* name;
    std::string_view secret;
    std::string_view timestamp;
    std::string_view signature;
    std::string body;
    std::chrono::system_clock::time_point now;
    std::optional<std::string_view> error_part;  // nullopt: accepted
  } cases[] = {
      {"slack example", doc_secret, doc_timestamp, doc_signature, std::string(doc_body), doc_now,
       std::nullopt},
      {"uppercase hex", doc_secret, doc_timestamp, upper, std::string(doc_body), doc_now, std::nullopt},
      {"4m59s late", doc_secret, doc_timestamp, doc_signature, std::string(doc_body), doc_now + 299s,
       std::nullopt},
      {"exactly 5 min late", doc_secret, doc_timestamp, doc_signature, std::string(doc_body), doc_now + 300s,
       std::nullopt},
      {"5 min early (clock skew)", doc_secret, doc_timestamp, doc_signature, std::string(doc_body),
       doc_now - 300s, std::nullopt},
      {"wrong secret", "8f742231b10e8888abcd99yyyzzz85a6", doc_timestamp, doc_signature,
       std::string(doc_body), doc_now, "does not match"},
      {"changed body byte", doc_secret, doc_timestamp, doc_signature, changed_body, doc_now,
       "does not match"},
      {"changed signature digit", doc_secret, doc_timestamp, flipped, std::string(doc_body), doc_now,
       "does not match"},
      {"missing timestamp", doc_secret, "", doc_signature, std::string(doc_body), doc_now,
       "missing X-Slack-Request"},
      {"missing signature", doc_secret, doc_timestamp, "", std::string(doc_body), doc_now,
       "missing X-Slack-Signature"},
      {"no secret configured", "", doc_timestamp, doc_signature, std::string(doc_body), doc_now,
       "no Slack signing"},
      {"stale: 5 min 1 s old", doc_secret, doc_timestamp, doc_signature, std::string(doc_body),
       doc_now + 301s, "301 s away"},
      {"from the future: 5 min 1 s ahead", doc_secret, doc_timestamp, doc_signature, std::string(doc_body),
       doc_now - 301s, "301 s away"},
      {"replayed a day later", doc_secret, doc_timestamp, doc_signature, std::string(doc_body), doc_now + 24h,
       "away from now"},
      {"non-numeric timestamp", doc_secret, "1531420618a", doc_signature, std::string(doc_body), doc_now,
       "not a number"},
      {"negative timestamp", doc_secret, "-1531420618", doc_signature, std::string(doc_body), doc_now,
       "not a number"},
      {"huge timestamp", doc_secret, "9223372036854775807", doc_signature, std::string(doc_body), doc_now,
       "away from now"},
      {"overflowing timestamp", doc_secret, "99999999999999999999", doc_signature, std::string(doc_body),
       doc_now, "not a number"},
      {"wrong version", doc_secret, doc_timestamp,
       "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", std::string(doc_body), doc_now,
       "unknown version"},
      {"no version", doc_secret, doc_timestamp,
       "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", std::string(doc_body), doc_now,
       "unknown version"},
      {"truncated", doc_secret, doc_timestamp, doc_signature.substr(0, 40), std::string(doc_body), doc_now,
       "wrong length"},
      {"not hex", doc_secret, doc_timestamp,
       "v0=g2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", std::string(doc_body), doc_now,
       "not hexadecimal"},
  };
  for (const auto& c : cases) {
    const auto got = verify_signature(c.secret, c.timestamp, c.signature, c.body, c.now);
    if (!c.error_part) {
      EXPECT_TRUE(got.has_value()) << c.name << ": " << got.error().message;
      continue;
    }
    ASSERT_FALSE(got.has_value()) << c.name;
    EXPECT_EQ(got.error().code, errc::unauthorized) << c.name;
    EXPECT_NE(got.error().message.find(*c.error_part), std::string::npos)
        << c.name << ": " << got.error().message;
    EXPECT_EQ(got.error().message.find(doc_secret), std::string::npos) << c.name << " leaks the secret";
  }
}

TEST(Signature, ToleranceIsAParameter) {
  EXPECT_FALSE(verify_signature(doc_secret, doc_timestamp, doc_signature, doc_body, doc_now + 61s, 60s));
  EXPECT_TRUE(verify_signature(doc_secret, doc_timestamp, doc_signature, doc_body, doc_now + 60s, 60s));
}

TEST(Signature, SignAndVerifyRoundTripOnBinaryBodies) {
  const std::string body("a\0b\xff", 4);
  const auto now = std::chrono::sys_seconds{1700000000s};
  EXPECT_TRUE(verify_signature("s3cret", "1700000000", sign("s3cret", "1700000000", body), body, now));
  EXPECT_FALSE(verify_signature("s3cret", "1700000000", sign("s3cret", "1700000000", "a"), body, now));
}

}  // namespace
}  // namespace devenv::slack
