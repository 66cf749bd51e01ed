// A Block Kit interaction (a button press) as Slack posts it to /slack/interactions: a form field `payload`
// holding JSON of type "block_actions". A value type.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "slack/form.h"

namespace devenv::slack {

struct block_action {
  std::string action_id;  // which button: our renderer's action ids ("stop", "prolong", ...)
  std::string value;      // the button's value (e.g. the environment); empty when the element has none
  std::string block_id;
  std::string action_ts;
};

struct interaction {
  std::string type;  // always "block_actions" after a successful parse
  std::string user_id;
  std::string user_name;  // "username" when sent, else "name"; only for display
  std::string team_id;
  std::string channel_id;  // from "channel", else "container"; empty in a DM-less surface
  std::string channel_name;
  std::string message_ts;  // the message holding the button: "container.message_ts", else "message.ts"
  std::string response_url;
  std::string trigger_id;
  std::string api_app_id;
  std::vector<block_action> actions;  // at least one
};

// Reads `payload` from the decoded form. Unknown JSON fields are ignored. Fails with errc::invalid_argument
// when the payload is missing, repeated, not JSON, of another interaction type (view_submission, shortcut,
// ...: we never ask Slack for those), or lacks user.id, response_url or a non-empty actions[] whose entries
// each have a string action_id; a field we read that has the wrong JSON type is also an error.
result<interaction> parse_interaction(const form_fields& form);

}  // namespace devenv::slack
