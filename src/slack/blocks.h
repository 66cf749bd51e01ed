// A small Block Kit builder: the blocks of one Slack message, kept within Slack's limits by construction so a
// reply is never rejected for size. Display text that is too long is cut with "…"; data that cannot be cut
// without changing its meaning (button values, action ids) is refused. Not thread-safe (a value being built).
//
// Text passed as mrkdwn is used as is: escape user-provided parts with escape_mrkdwn() / quote_code().
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace devenv::slack {

enum class button_style { plain, primary, danger };

struct button {
  std::string text;  // plain text, cut at max_button_text
  std::string action_id;
  std::string value;
  button_style style = button_style::plain;
};

class blocks {
 public:
  // Slack's documented limits (https://api.slack.com/reference/block-kit/blocks), in characters; we count
  // UTF-16 units, which is never more lenient.
  static constexpr std::size_t max_blocks = 50;
  static constexpr std::size_t max_section_text = 3000;
  static constexpr std::size_t max_header_text = 150;
  static constexpr std::size_t max_fields = 10;
  static constexpr std::size_t max_field_text = 2000;
  static constexpr std::size_t max_context_elements = 10;
  static constexpr std::size_t max_actions_elements = 25;
  static constexpr std::size_t max_button_text = 75;
  static constexpr std::size_t max_button_value = 2000;
  static constexpr std::size_t max_action_id = 255;

  void header(std::string_view plain_text);
  void section(std::string_view mrkdwn);  // empty text adds nothing (Slack rejects an empty section)
  // A section of two-column fields; more than max_fields keeps the first max_fields-1 and "…and N more".
  void fields(std::span<const std::string> mrkdwn);
  // Small grey text; more than max_context_elements keeps the first ones and "…and N more".
  void context(std::span<const std::string> mrkdwn);
  void divider();
  // errc::invalid_argument for no buttons, too many, an empty or over-long action_id, or an over-long value.
  result<void> actions(std::span<const button> buttons);
  // A long list rendered compactly: lines packed into as few sections as the text limit allows, at most
  // `max_items` lines and never more blocks than the message has left, the rest summarised as a context
  // "…and N more" so a 500-environment `list` still renders.
  void list(std::span<const std::string> mrkdwn_lines, std::size_t max_items = 100);

  std::size_t size() const { return blocks_.size(); }
  bool empty() const { return blocks_.empty(); }

  // The "blocks" array. Beyond max_blocks, the first max_blocks-1 are kept and the last says "…and N more".
  nlohmann::json to_json() const;

 private:
  std::vector<nlohmann::json> blocks_;
};

}  // namespace devenv::slack
