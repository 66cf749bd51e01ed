// Ready-made Slack messages for answers the command layer gives on its own, before any domain call: help and
// parse errors. Domain results (an environment's status, a list) are rendered by the wiring. Pure;
// thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "slack/command.h"
#include "slack/message.h"

namespace devenv::slack {

// Ephemeral help generated from the command table, as blocks with the same text as fallback.
message help_message(std::optional<std::string_view> topic = std::nullopt);

// Ephemeral reply to a malformed command: what was wrong, the suggestion, and the usage.
message error_message(const parse_error& error);

}  // namespace devenv::slack
