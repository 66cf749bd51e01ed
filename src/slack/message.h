// A Slack message as we send it: a slash command answer, a response_url post, or (later) chat.postMessage.
// Blocks for the rich rendering, `text` as the fallback Slack shows in notifications and old clients.
// A value type; not thread-safe while being built.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "slack/blocks.h"

namespace devenv::slack {

enum class response_type { ephemeral, in_channel };

struct message {
  // The longest fallback text Slack accepts (chat.postMessage truncates beyond it), in UTF-16 units.
  static constexpr std::size_t max_text = 40000;

  std::string text;  // mrkdwn; escape user-provided parts
  blocks body;
  response_type type = response_type::ephemeral;
  bool replace_original = false;  // only meaningful when posted to a response_url
};

// {"response_type": "ephemeral"|"in_channel", "text": ..., "blocks": [...], "replace_original": bool};
// "blocks" is left out when there are none, text is cut to max_text.
nlohmann::json to_json(const message& m);

}  // namespace devenv::slack
