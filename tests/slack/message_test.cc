#include "slack/message.h"

#include <gtest/gtest.h>

#include "slack/utf8.h"

namespace devenv::slack {
namespace {

using nlohmann::json;

TEST(Message, JsonShape) {
  const struct {
    const char* name;
    response_type type;
    bool replace_original;
    bool with_blocks;
    json expected;
  } cases[] = {
      {"ephemeral text only", response_type::ephemeral, false, false,
       json{{"response_type", "ephemeral"}, {"text", "hi"}, {"replace_original", false}}},
      {"in channel with blocks", response_type::in_channel, true, true,
       json{{"response_type", "in_channel"},
            {"text", "hi"},
            {"replace_original", true},
            {"blocks", json::array({json{{"type", "divider"}}})}}},
  };
  for (const auto& c : cases) {
    message m;
    m.text = "hi";
    m.type = c.type;
    m.replace_original = c.replace_original;
    if (c.with_blocks) m.body.divider();
    EXPECT_EQ(to_json(m), c.expected) << c.name;
  }
}

TEST(Message, FallbackTextIsCut) {
  message m;
  m.text = std::string(50'000, 'x');
  const std::string text = to_json(m)["text"];
  EXPECT_EQ(utf16_length(text), message::max_text);
}

}  // namespace
}  // namespace devenv::slack
