// A slash command invocation as Slack posts it (form fields of POST /slack/commands). A value type.
#pragma once

#include <string>

#include "core/error.h"
#include "slack/form.h"

namespace devenv::slack {

struct slash_command {
  // Always sent by Slack; parse_slash_command rejects a request without them.
  std::string team_id;
  std::string channel_id;
  std::string user_id;
  std::string command;       // "/devenv"
  std::string response_url;  // where delayed answers go (up to 5 posts within 30 minutes)
  // Sent by Slack but not needed to act; empty when absent.
  std::string text;  // the words after the command; empty means "help"
  std::string trigger_id;
  std::string team_domain;
  std::string channel_name;
  std::string user_name;  // deprecated by Slack; only for display
  std::string api_app_id;
  std::string enterprise_id;
  std::string enterprise_name;
  bool is_enterprise_install = false;
  // The legacy verification token; we authenticate with the signature and ignore it, but keep it so the
  // wiring can log whether one was sent.
  std::string token;
};

// Reads the fields above; unknown fields are ignored (Slack adds new ones over time). Fails with
// errc::invalid_argument naming the problem: a required field missing or empty, any known field repeated,
// a response_url that is not an absolute http(s) URL, an is_enterprise_install other than true/false.
result<slash_command> parse_slash_command(const form_fields& form);

}  // namespace devenv::slack
