#include "slack/blocks.h"

#include <fmt/format.h>

#include "slack/mrkdwn.h"
#include "slack/utf8.h"

namespace devenv::slack {
namespace {

using nlohmann::json;

json mrkdwn_text(std::string_view text, std::size_t limit) {
  return json{{"type", "mrkdwn"}, {"text", truncate_mrkdwn(text, limit)}};
}

json plain_text(std::string_view text, std::size_t limit) {
  std::string cut(utf16_prefix(text, limit));
  if (cut.size() < text.size()) cut = std::string(utf16_prefix(text, limit - 1)) + "…";
  return json{{"type", "plain_text"}, {"text", std::move(cut)}, {"emoji", true}};
}

std::string and_more(std::size_t n) {
  return fmt::format("…and {} more", n);
}

json context_block(std::string_view mrkdwn) {
  return json{{"type", "context"},
              {"elements", json::array({mrkdwn_text(mrkdwn, blocks::max_section_text)})}};
}

}  // namespace

void blocks::header(std::string_view text) {
  if (text.empty()) return;
  blocks_.push_back(json{{"type", "header"}, {"text", plain_text(text, max_header_text)}});
}

void blocks::section(std::string_view mrkdwn) {
  if (mrkdwn.empty()) return;
  blocks_.push_back(json{{"type", "section"}, {"text", mrkdwn_text(mrkdwn, max_section_text)}});
}

void blocks::fields(std::span<const std::string> mrkdwn) {
  if (mrkdwn.empty()) return;
  json out = json::array();
  const bool cut = mrkdwn.size() > max_fields;
  const std::size_t shown = cut ? max_fields - 1 : mrkdwn.size();
  for (std::size_t i = 0; i < shown; ++i) out.push_back(mrkdwn_text(mrkdwn[i], max_field_text));
  if (cut) out.push_back(mrkdwn_text(and_more(mrkdwn.size() - shown), max_field_text));
  blocks_.push_back(json{{"type", "section"}, {"fields", std::move(out)}});
}

void blocks::context(std::span<const std::string> mrkdwn) {
  if (mrkdwn.empty()) return;
  json out = json::array();
  const bool cut = mrkdwn.size() > max_context_elements;
  const std::size_t shown = cut ? max_context_elements - 1 : mrkdwn.size();
  for (std::size_t i = 0; i < shown; ++i) out.push_back(mrkdwn_text(mrkdwn[i], max_section_text));
  if (cut) out.push_back(mrkdwn_text(and_more(mrkdwn.size() - shown), max_section_text));
  blocks_.push_back(json{{"type", "context"}, {"elements", std::move(out)}});
}

void blocks::divider() {
  blocks_.push_back(json{{"type", "divider"}});
}

result<void> blocks::actions(std::span<const button> buttons) {
  if (buttons.empty()) return fail(errc::invalid_argument, "an actions block needs at least one button");
  if (buttons.size() > max_actions_elements) {
    return fail(errc::invalid_argument, fmt::format("an actions block holds at most {} buttons, not {}",
                                                    max_actions_elements, buttons.size()));
  }
  json elements = json::array();
  for (const button& b : buttons) {
    if (b.action_id.empty() || b.action_id.size() > max_action_id) {
      return fail(errc::invalid_argument,
                  fmt::format("button action_id must be 1 to {} characters", max_action_id));
    }
    if (utf16_length(b.value) > max_button_value) {
      return fail(errc::invalid_argument, fmt::format("button `{}` has a value longer than {} characters",
                                                      b.action_id, max_button_value));
    }
    json e{{"type", "button"},
           {"text", plain_text(b.text.empty() ? b.action_id : b.text, max_button_text)},
           {"action_id", b.action_id}};
    if (!b.value.empty()) e["value"] = b.value;
    if (b.style == button_style::primary) e["style"] = "primary";
    if (b.style == button_style::danger) e["style"] = "danger";
    elements.push_back(std::move(e));
  }
  blocks_.push_back(json{{"type", "actions"}, {"elements", std::move(elements)}});
  return {};
}

void blocks::list(std::span<const std::string> lines, std::size_t max_items) {
  if (lines.empty()) return;
  // One block stays free for the summary line.
  const std::size_t budget = blocks_.size() + 1 < max_blocks ? max_blocks - blocks_.size() - 1 : 0;
  const std::size_t wanted = std::min(lines.size(), max_items);
  std::vector<std::string> sections;
  std::string chunk;
  std::size_t chunk_units = 0;
  std::size_t shown = 0;
  for (; shown < wanted; ++shown) {
    const std::string line = truncate_mrkdwn(lines[shown], max_section_text);
    const std::size_t units = utf16_length(line);
    if (!chunk.empty() && chunk_units + 1 + units > max_section_text) {
      if (sections.size() + 1 >= budget) break;  // the chunk in hand would take the last block
      sections.push_back(std::move(chunk));
      chunk.clear();
      chunk_units = 0;
    }
    if (budget == 0) break;
    if (!chunk.empty()) {
      chunk += '\n';
      ++chunk_units;
    }
    chunk += line;
    chunk_units += units;
  }
  if (!chunk.empty()) sections.push_back(std::move(chunk));
  for (const std::string& s : sections) section(s);
  if (shown < lines.size()) blocks_.push_back(context_block(and_more(lines.size() - shown)));
}

nlohmann::json blocks::to_json() const {
  json out = json::array();
  if (blocks_.size() <= max_blocks) {
    for (const json& b : blocks_) out.push_back(b);
    return out;
  }
  for (std::size_t i = 0; i + 1 < max_blocks; ++i) out.push_back(blocks_[i]);
  out.push_back(context_block(and_more(blocks_.size() - (max_blocks - 1))));
  return out;
}

}  // namespace devenv::slack
