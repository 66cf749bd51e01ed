#include "slack/command_table.h"

#include <fmt/format.h>

#include <array>

#include "slack/mrkdwn.h"

namespace devenv::slack {
namespace {

constexpr std::array<std::string_view, 0> no_aliases{};
constexpr std::array<std::string_view, 2> prolong_aliases{"prolong", "extend"};

constexpr std::array<command_spec, 9> table{{
    {"start", no_aliases, "<env>", "Scale an environment back up to its original replicas.", "start dev1"},
    {"stop", no_aliases, "<env>", "Scale an environment down to zero now.", "stop dev1"},
    {"status", no_aliases, "<env>", "Show whether an environment runs and when it shuts down next.",
     "status dev1"},
    {"list", no_aliases, "", "List the managed environments and their state.", "list"},
    {"prolongate", prolong_aliases, "<env> for <duration>",
     "Move the next planned shutdown later (durations like 1h, 90m, 1h30m, 2 hours).",
     "prolongate dev1 for 2h"},
    {"help", no_aliases, "[<command>]", "Show this help, or the details of one command.", "help prolongate"},
    {"support start", no_aliases, "<name> [XS|S|M|L|XL]",
     "Start a support pod of the given size (default S).", "support start alice M"},
    {"support stop", no_aliases, "<name>", "Stop a support pod.", "support stop alice"},
    {"support list", no_aliases, "", "List the support pods.", "support list"},
}};

// Every name and alias of the table; "support" stands for its subcommands.
constexpr std::array<std::string_view, 9> words{"start",   "stop",   "status", "list",   "prolongate",
                                                "prolong", "extend", "help",   "support"};

constexpr std::array<std::string_view, 5> sizes{"XS", "S", "M", "L", "XL"};

// Lowercase with runs of spaces collapsed, so lookups accept what people type.
std::string normalise(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

std::string details(const command_spec& spec) {
  std::string out = fmt::format("{}\n{}", usage(spec), spec.description);
  if (!spec.aliases.empty()) {
    out += "\nAlso: ";
    for (std::size_t i = 0; i < spec.aliases.size(); ++i) {
      out += fmt::format("{}`{}`", i == 0 ? "" : ", ", spec.aliases[i]);
    }
  }
  out += fmt::format("\nExample: `{}`", spec.example);
  return out;
}

}  // namespace

std::span<const command_spec> command_table() {
  return table;
}

std::span<const std::string_view> command_words() {
  return words;
}

std::span<const std::string_view> support_sizes() {
  return sizes;
}

const command_spec* find_command(std::string_view name_or_alias) {
  const std::string key = normalise(name_or_alias);
  for (const command_spec& spec : table) {
    if (spec.name == key) return &spec;
    for (const std::string_view alias : spec.aliases) {
      if (alias == key) return &spec;
    }
  }
  return nullptr;
}

std::string usage(const command_spec& spec) {
  // Slack reads "<env>" as a link, even inside backticks, so the placeholders are escaped.
  if (spec.arguments.empty()) return fmt::format("`{}`", spec.name);
  return fmt::format("`{} {}`", spec.name, escape_mrkdwn(spec.arguments));
}

std::string help_text(std::optional<std::string_view> topic) {
  if (topic) {
    const std::string key = normalise(*topic);
    std::string out;
    for (const command_spec& spec : table) {
      const bool match =
          (key == "support" && spec.name.starts_with("support ")) || find_command(key) == &spec;
      if (!match) continue;
      if (!out.empty()) out += "\n\n";
      out += details(spec);
    }
    if (!out.empty()) return out;
  }
  std::string out;
  if (topic) out = fmt::format("There is no command {}.\n", quote_code(*topic));
  out += "*Commands*";
  for (const command_spec& spec : table) out += fmt::format("\n• {} — {}", usage(spec), spec.description);
  return out;
}

}  // namespace devenv::slack
