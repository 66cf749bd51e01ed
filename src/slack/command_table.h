// The table of chat commands: the single source for parsing (names, aliases), error usage lines and the
// generated help, so help cannot drift from what the parser accepts. Immutable static data; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace devenv::slack {

struct command_spec {
  std::string_view name;  // canonical, lowercase; "support start" for a subcommand
  std::span<const std::string_view> aliases;
  std::string_view arguments;  // "<env> for <duration>"; empty when the command takes none
  std::string_view description;
  std::string_view example;  // the text after the slash command
};

std::span<const command_spec> command_table();

// By canonical name or alias, case-insensitive and tolerant of extra spaces ("Support  START").
const command_spec* find_command(std::string_view name_or_alias);

// Every name and alias, in table order: the candidates for "did you mean".
std::span<const std::string_view> command_words();

// "`prolongate &lt;env&gt; for &lt;duration&gt;`": mrkdwn, shown as `prolongate <env> for <duration>`.
std::string usage(const command_spec& spec);

// The sizes of `support start`, smallest first: XS, S, M, L, XL.
std::span<const std::string_view> support_sizes();

// mrkdwn help. Without a topic: one line per command (usage — description). With a topic (a command name,
// an alias, or "support" for every support subcommand): usage, aliases, description and example of each
// matching command. An unknown topic yields the general help preceded by a line saying so.
std::string help_text(std::optional<std::string_view> topic = std::nullopt);

}  // namespace devenv::slack
