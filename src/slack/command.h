// A parsed chat command ("/devenv prolongate dev1 for 2h") and the parser that produces it from the text
// after the slash command. Grammar, names and help come from command_table.h. Pure; thread-safe.
//
// Words are case-insensitive and runs of spaces, tabs or no-break spaces are one separator. Environment and
// support pod names must be RFC 1123 labels; people type `Dev1`, so names are lowercased before checking
// rather than rejected (Kubernetes namespaces are lowercase, so `Dev1` can only mean `dev1`).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <variant>

#include "core/error.h"

namespace devenv::slack {

enum class support_size { xs, s, m, l, xl };
std::string_view to_string(support_size size);  // "XS" ... "XL"

struct start_cmd {
  std::string env;
};
struct stop_cmd {
  std::string env;
};
struct status_cmd {
  std::string env;
};
struct list_cmd {};
struct prolong_cmd {
  std::string env;
  std::chrono::minutes duration{};
};
struct help_cmd {
  std::optional<std::string> topic;  // canonical command name, or "support"
};
struct support_start_cmd {
  std::string name;
  support_size size = support_size::s;
};
struct support_stop_cmd {
  std::string name;
};
struct support_list_cmd {};

using command = std::variant<start_cmd, stop_cmd, status_cmd, list_cmd, prolong_cmd, help_cmd,
                             support_start_cmd, support_stop_cmd, support_list_cmd>;

// What went wrong, for the person who typed it. All three are mrkdwn with user input already escaped.
struct parse_error {
  std::string what;               // "unknown command `stpo`"
  std::string usage;              // "`stop <env>`", or one line per command when the command is unknown
  std::string suggestion;         // "did you mean `stop`?"; empty when nothing is close
  std::string to_mrkdwn() const;  // the three joined into one reply
};

tl::expected<command, parse_error> parse_command(std::string_view text);

// An RFC 1123 label after lowercasing: 1–63 of [a-z0-9-], starting and ending with a letter or digit.
// `kind` names the thing in the message ("environment", "support pod"). Messages are mrkdwn, input escaped.
result<std::string> validate_name(std::string_view raw, std::string_view kind);

}  // namespace devenv::slack
