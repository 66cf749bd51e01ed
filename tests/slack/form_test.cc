#include "slack/form.h"

#include <gtest/gtest.h>

#include <map>

namespace devenv::slack {
namespace {

std::map<std::string, std::vector<std::string>> dump(const form_fields& f,
                                                     std::initializer_list<const char*> keys) {
  std::map<std::string, std::vector<std::string>> out;
  for (const char* k : keys) {
    if (f.contains(k)) out[k] = f.all(k);
  }
  return out;
}

TEST(DecodeForm, Decodes) {
  using fields = std::map<std::string, std::vector<std::string>>;
  const struct {
    const char* body;
    std::initializer_list<const char*> keys;
    fields expected;
    std::size_t size;
  } cases[] = {
      {"", {"a"}, {}, 0},
      {"a=1", {"a"}, {{"a", {"1"}}}, 1},
      {"a=x+y%21&b=%2Fdevenv", {"a", "b"}, {{"a", {"x y!"}}, {"b", {"/devenv"}}}, 2},
      {"text=stop%20dev1", {"text"}, {{"text", {"stop dev1"}}}, 1},
      {"a=1&a=2&a=", {"a"}, {{"a", {"1", "2", ""}}}, 1},
      {"a&b=", {"a", "b"}, {{"a", {""}}, {"b", {""}}}, 2},
      {"&&a=1&&", {"a"}, {{"a", {"1"}}}, 1},
      {"a=b=c", {"a"}, {{"a", {"b=c"}}}, 1},
      {"a%5B%5D=1", {"a[]"}, {{"a[]", {"1"}}}, 1},
      {"t=%C3%A9t%C3%A9+%F0%9F%9A%80", {"t"}, {{"t", {"été 🚀"}}}, 1},
      {"t=%e2%82%ac", {"t"}, {{"t", {"€"}}}, 1},  // lowercase hex
      {"t=100%25", {"t"}, {{"t", {"100%"}}}, 1},
  };
  for (const auto& c : cases) {
    const auto got = decode_form(c.body);
    ASSERT_TRUE(got.has_value()) << c.body << ": " << got.error().message;
    EXPECT_EQ(dump(*got, c.keys), c.expected) << c.body;
    EXPECT_EQ(got->size(), c.size) << c.body;
  }
}

TEST(DecodeForm, RejectsBrokenEscapesAndNonUtf8) {
  const struct {
    const char* body;
    const char* message_part;
  } cases[] = {
      {"a=%", "bad percent-escape in field `a`"},
      {"a=%4", "bad percent-escape in field `a`"},
      {"a=%zz", "bad percent-escape"},
      {"a=%4g", "bad percent-escape"},
      {"%=1", "bad percent-escape in a field name"},
      {"text=%FF", "field `text` is not valid UTF-8"},
      {"text=caf%E9", "field `text` is not valid UTF-8 (byte 3"},  // Latin-1, not UTF-8
      {"text=%C0%AF", "not valid UTF-8"},                          // overlong '/'
      {"text=%ED%A0%80", "not valid UTF-8"},                       // a surrogate
      {"text=%F4%90%80%80", "not valid UTF-8"},                    // above U+10FFFF
      {"text=%E2%82", "not valid UTF-8"},                          // truncated sequence
      {"k%FF=1", "a field name is not valid UTF-8"},
  };
  for (const auto& c : cases) {
    const auto got = decode_form(c.body);
    ASSERT_FALSE(got.has_value()) << c.body;
    EXPECT_EQ(got.error().code, errc::invalid_argument);
    EXPECT_NE(got.error().message.find(c.message_part), std::string::npos)
        << c.body << ": " << got.error().message;
  }
}

TEST(EncodeFormValue, KeepsUnreservedAndEscapesEveryOtherByte) {
  EXPECT_EQ(encode_form_value("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(encode_form_value("a b&c=d+e/%"), "a%20b%26c%3Dd%2Be%2F%25");
  EXPECT_EQ(encode_form_value("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(encode_form_value(std::string_view("\0", 1)), "%00");
  EXPECT_EQ(encode_form_value(""), "");
}

TEST(EncodeFormValue, DecodeFormReadsBackWhatItWrote) {
  const std::string value = "stop dev1 & {\"x\": [1, 2]} caf\xC3\xA9 100%";
  const auto decoded = decode_form("k%20ey=" + encode_form_value(value) + "&n=" + encode_form_value("+"));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->all("k ey"), std::vector<std::string>{value});
  EXPECT_EQ(decoded->all("n"), std::vector<std::string>{"+"});
}

TEST(FormFields, SingleRefusesRepeats) {
  const auto f = decode_form("a=1&b=2&b=3");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->single("a").value(), std::optional<std::string>("1"));
  EXPECT_EQ(f->single("zz").value(), std::nullopt);
  const auto b = f->single("b");
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().message, "field `b` appears 2 times");
  EXPECT_TRUE(f->all("zz").empty());
}

}  // namespace
}  // namespace devenv::slack
