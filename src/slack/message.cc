#include "slack/message.h"

#include "slack/mrkdwn.h"

namespace devenv::slack {

nlohmann::json to_json(const message& m) {
  nlohmann::json out{
      {"response_type", m.type == response_type::in_channel ? "in_channel" : "ephemeral"},
      {"text", truncate_mrkdwn(m.text, message::max_text)},
      {"replace_original", m.replace_original},
  };
  if (!m.body.empty()) out["blocks"] = m.body.to_json();
  return out;
}

}  // namespace devenv::slack
