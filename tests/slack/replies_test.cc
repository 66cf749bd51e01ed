#include "slack/replies.h"

#include <gtest/gtest.h>

#include "slack/command_table.h"

namespace devenv::slack {
namespace {

using nlohmann::json;

TEST(Replies, ErrorMessageShowsWhatSuggestionAndUsage) {
  const auto parsed = parse_command("stpo dev1");
  ASSERT_FALSE(parsed.has_value());
  const json out = to_json(error_message(parsed.error()));
  EXPECT_EQ(out, json::parse(R"({
    "response_type": "ephemeral",
    "replace_original": false,
    "text": ":warning: unknown command `stpo`\nDid you mean `stop`?\n*Usage:*\n`stop &lt;env&gt;`",
    "blocks": [
      {"type": "section", "text": {"type": "mrkdwn", "text": ":warning: unknown command `stpo`\nDid you mean `stop`?"}},
      {"type": "context", "elements": [{"type": "mrkdwn", "text": "*Usage:* `stop &lt;env&gt;`"}]}
    ]})"));
}

TEST(Replies, ErrorWithoutSuggestionListsEveryUsage) {
  const auto parsed = parse_command("frobnicate the thing");
  ASSERT_FALSE(parsed.has_value());
  const json out = to_json(error_message(parsed.error()));
  ASSERT_EQ(out["blocks"].size(), 2u);
  EXPECT_EQ(out["blocks"][0]["text"]["text"], ":warning: unknown command `frobnicate`");
  const std::string usage = out["blocks"][1]["elements"][0]["text"];
  EXPECT_TRUE(usage.starts_with("*Usage:* \n`start &lt;env&gt;`")) << usage;
  EXPECT_NE(usage.find("`support list`"), std::string::npos) << usage;
}

TEST(Replies, HelpMessageIsTheGeneratedHelp) {
  const json out = to_json(help_message());
  EXPECT_EQ(out["text"], help_text());
  EXPECT_EQ(out["blocks"][0]["text"]["text"], help_text());
  EXPECT_EQ(out["response_type"], "ephemeral");
  EXPECT_EQ(to_json(help_message("extend"))["text"], help_text("prolongate"));
}

}  // namespace
}  // namespace devenv::slack
