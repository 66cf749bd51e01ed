#include "slack/blocks.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "slack/mrkdwn.h"
#include "slack/utf8.h"

namespace devenv::slack {
namespace {

using nlohmann::json;

std::size_t text_units(const json& text_object) {
  return utf16_length(text_object.at("text").get<std::string>());
}

TEST(Blocks, JsonShapeOfEveryBlock) {
  blocks b;
  b.header("dev1");
  b.section("*dev1* is running");
  const std::vector<std::string> f{"*State*\nrunning", "*Shutdown*\n18:00"};
  b.fields(f);
  const std::vector<std::string> ctx{"by <@U1>"};
  b.context(ctx);
  b.divider();
  const std::vector<button> buttons{{"Stop", "stop", "dev1", button_style::danger},
                                    {"+1 h", "prolong", "dev1", button_style::primary},
                                    {"Status", "status", "", button_style::plain}};
  ASSERT_TRUE(b.actions(buttons).has_value());
  EXPECT_EQ(b.to_json(), json::parse(R"([
    {"type": "header", "text": {"type": "plain_text", "text": "dev1", "emoji": true}},
    {"type": "section", "text": {"type": "mrkdwn", "text": "*dev1* is running"}},
    {"type": "section", "fields": [{"type": "mrkdwn", "text": "*State*\nrunning"},
                                   {"type": "mrkdwn", "text": "*Shutdown*\n18:00"}]},
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "by <@U1>"}]},
    {"type": "divider"},
    {"type": "actions", "elements": [
      {"type": "button", "text": {"type": "plain_text", "text": "Stop", "emoji": true}, "action_id": "stop",
       "value": "dev1", "style": "danger"},
      {"type": "button", "text": {"type": "plain_text", "text": "+1 h", "emoji": true}, "action_id": "prolong",
       "value": "dev1", "style": "primary"},
      {"type": "button", "text": {"type": "plain_text", "text": "Status", "emoji": true}, "action_id": "status"}]}
  ])"));
}

TEST(Blocks, FiftyOneBlocksBecomeFortyNinePlusASummary) {
  const struct {
    std::size_t added;
    std::size_t rendered;
    const char* last_text;  // nullptr: last block is an ordinary section
  } cases[] = {{50, 50, nullptr}, {51, 50, "…and 2 more"}, {500, 50, "…and 451 more"}};
  for (const auto& c : cases) {
    blocks b;
    for (std::size_t i = 0; i < c.added; ++i) b.section(fmt::format("line {}", i));
    const json out = b.to_json();
    ASSERT_EQ(out.size(), c.rendered) << c.added;
    if (c.last_text == nullptr) {
      EXPECT_EQ(out.back()["text"]["text"], fmt::format("line {}", c.added - 1));
    } else {
      EXPECT_EQ(out.back()["type"], "context");
      EXPECT_EQ(out.back()["elements"][0]["text"], c.last_text);
      EXPECT_EQ(out[48]["text"]["text"], "line 48");
    }
  }
}

TEST(Blocks, CutsLongTextToSlacksLimits) {
  blocks b;
  b.section(std::string(5000, 'a'));
  b.header(std::string(200, 'h'));
  const std::vector<button> long_text{{std::string(100, 'b'), "x", "v"}};
  ASSERT_TRUE(b.actions(long_text).has_value());
  const json out = b.to_json();
  EXPECT_EQ(text_units(out[0]["text"]), 3000u);
  EXPECT_TRUE(out[0]["text"]["text"].get<std::string>().ends_with("…"));
  EXPECT_EQ(text_units(out[1]["text"]), 150u);
  EXPECT_EQ(text_units(out[2]["elements"][0]["text"]), 75u);

  // Cut on characters, never inside a UTF-8 sequence or an escape entity.
  blocks u;
  std::string emoji;
  for (int i = 0; i < 2000; ++i) emoji += "🚀";  // 2 UTF-16 units each
  u.section(emoji);
  u.section(std::string(2997, 'a') + escape_mrkdwn("<<<"));
  const json uo = u.to_json();
  const std::string cut_emoji = uo[0]["text"]["text"];
  EXPECT_FALSE(find_invalid_utf8(cut_emoji).has_value());
  EXPECT_LE(utf16_length(cut_emoji), 3000u);
  EXPECT_EQ(uo[1]["text"]["text"], std::string(2997, 'a') + "…");
}

TEST(Blocks, FieldsAndContextAreSummarisedBeyondTheirLimits) {
  std::vector<std::string> many;
  for (int i = 0; i < 12; ++i) many.push_back(fmt::format("f{}", i));
  blocks b;
  b.fields(many);
  b.context(many);
  const json out = b.to_json();
  ASSERT_EQ(out[0]["fields"].size(), 10u);
  EXPECT_EQ(out[0]["fields"][9]["text"], "…and 3 more");
  ASSERT_EQ(out[1]["elements"].size(), 10u);
  EXPECT_EQ(out[1]["elements"][9]["text"], "…and 3 more");
}

TEST(Blocks, RefusesButtonsThatCannotBeCut) {
  const struct {
    const char* name;
    std::vector<button> buttons;
    const char* message_part;
  } cases[] = {
      {"none", {}, "at least one button"},
      {"26 buttons", std::vector<button>(26, button{"b", "id", "v"}), "at most 25 buttons"},
      {"empty action id", {button{"b", "", "v"}}, "action_id must be"},
      {"long action id", {button{"b", std::string(256, 'i'), "v"}}, "action_id must be"},
      {"long value", {button{"b", "id", std::string(2001, 'v')}}, "value longer than 2000"},
  };
  for (const auto& c : cases) {
    blocks b;
    const auto got = b.actions(c.buttons);
    ASSERT_FALSE(got.has_value()) << c.name;
    EXPECT_NE(got.error().message.find(c.message_part), std::string::npos)
        << c.name << ": " << got.error().message;
    EXPECT_TRUE(b.empty()) << c.name;
  }
  blocks ok;
  EXPECT_TRUE(ok.actions(std::vector<button>(25, button{"b", "id", std::string(2000, 'v')})).has_value());
}

TEST(Blocks, ListPacksLinesAndSummarisesTheRest) {
  const auto lines_of = [](std::size_t n, std::size_t width) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) {
      std::string line = fmt::format("• env-{}", i);
      line.resize(std::max(line.size(), width), '.');
      out.push_back(line);
    }
    return out;
  };
  const struct {
    const char* name;
    std::size_t lines;
    std::size_t width;
    std::size_t max_items;
    std::size_t blocks_before;
    std::size_t sections;
    const char* summary;  // nullptr: none
  } cases[] = {
      {"short list, one section", 10, 0, 100, 0, 1, nullptr},
      {"capped by max_items", 500, 0, 100, 0, 1, "…and 400 more"},
      {"long lines split by text limit", 10, 1000, 100, 0, 4, nullptr},  // 998 units a line: 3 a section
      {"block budget", 500, 1499, 500, 40, 9, "…and 482 more"},  // 2 per section, 9 sections + summary = 50
  };
  for (const auto& c : cases) {
    blocks b;
    for (std::size_t i = 0; i < c.blocks_before; ++i) b.divider();
    b.list(lines_of(c.lines, c.width), c.max_items);
    const json out = b.to_json();
    std::size_t sections = 0;
    std::size_t shown_lines = 0;
    for (const json& block : out) {
      if (block["type"] != "section") continue;
      ++sections;
      const std::string text = block["text"]["text"];
      EXPECT_LE(utf16_length(text), blocks::max_section_text) << c.name;
      shown_lines += static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    }
    EXPECT_EQ(sections, c.sections) << c.name;
    EXPECT_LE(out.size(), blocks::max_blocks) << c.name;
    if (c.summary == nullptr) {
      EXPECT_EQ(shown_lines, c.lines) << c.name;
      EXPECT_NE(out.back()["type"], "context") << c.name;
    } else {
      EXPECT_EQ(out.back()["type"], "context") << c.name;
      EXPECT_EQ(out.back()["elements"][0]["text"], c.summary) << c.name;
      EXPECT_EQ(shown_lines + std::stoul(std::string(c.summary).substr(std::string("…and ").size())), c.lines)
          << c.name;
    }
  }
}

}  // namespace
}  // namespace devenv::slack
