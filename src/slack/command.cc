#include "slack/command.h"

#include <fmt/format.h>

#include <array>
#include <vector>

#include "core/duration.h"
#include "slack/command_table.h"
#include "slack/mrkdwn.h"
#include "slack/suggest.h"

namespace devenv::slack {
namespace {

constexpr std::size_t max_label = 63;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Splits on ASCII spaces/tabs/newlines and U+00A0, which Slack clients insert when people type two spaces.
std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  std::size_t start = std::string_view::npos;
  const auto flush = [&](std::size_t end) {
    if (start != std::string_view::npos) out.push_back(text.substr(start, end - start));
    start = std::string_view::npos;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      flush(i);
      ++i;
    } else if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
      flush(i);
      i += 2;
    } else {
      if (start == std::string_view::npos) start = i;
      ++i;
    }
  }
  flush(text.size());
  return out;
}

std::string join(std::span<const std::string_view> words) {
  std::string out;
  for (const std::string_view w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

const command_spec& spec(std::string_view name) {
  // The table is static data that this file is written against; a missing entry is a bug caught by tests.
  return *find_command(name);
}

std::string all_usages() {
  std::string out;
  for (const command_spec& s : command_table()) {
    if (!out.empty()) out += '\n';
    out += usage(s);
  }
  return out;
}

std::string support_usages() {
  std::string out;
  for (const command_spec& s : command_table()) {
    if (!s.name.starts_with("support ")) continue;
    if (!out.empty()) out += '\n';
    out += usage(s);
  }
  return out;
}

parse_error error_for(std::string_view command_name, std::string what, std::string suggestion = {}) {
  return parse_error{std::move(what), usage(spec(command_name)), std::move(suggestion)};
}

std::string did_you_mean(std::string_view text) {
  return fmt::format("did you mean `{}`?", text);
}

struct name_arg {
  std::string_view command_name;
  std::string_view kind;
};

// Exactly one name argument after `consumed` words.
tl::expected<std::string, parse_error> one_name(std::span<const std::string_view> words, std::size_t consumed,
                                                const name_arg& arg) {
  if (words.size() <= consumed) {
    return tl::unexpected(error_for(
        arg.command_name, fmt::format("`{}` needs {} name", arg.command_name,
                                      arg.kind == "environment" ? "an environment" : "a support pod")));
  }
  auto name = validate_name(words[consumed], arg.kind);
  if (!name) return tl::unexpected(error_for(arg.command_name, name.error().message));
  if (words.size() > consumed + 1) {
    return tl::unexpected(
        error_for(arg.command_name,
                  fmt::format("unexpected {} after the {} name", quote_code(words[consumed + 1]), arg.kind)));
  }
  return *name;
}

tl::expected<command, parse_error> no_arguments(std::span<const std::string_view> words, std::size_t consumed,
                                                std::string_view command_name, command value) {
  if (words.size() > consumed) {
    return tl::unexpected(error_for(command_name, fmt::format("`{}` takes no arguments; unexpected {}",
                                                              command_name, quote_code(words[consumed]))));
  }
  return value;
}

tl::expected<command, parse_error> parse_prolong(std::span<const std::string_view> words) {
  constexpr std::string_view name = "prolongate";
  const std::string typed = lower(words[0]);
  if (words.size() < 2) {
    return tl::unexpected(error_for(name, fmt::format("`{}` needs an environment and a duration", typed)));
  }
  auto env = validate_name(words[1], "environment");
  if (!env) return tl::unexpected(error_for(name, env.error().message));
  if (words.size() < 3) {
    return tl::unexpected(error_for(
        name, fmt::format("`{}` needs a duration: `{} {} for &lt;duration&gt;`", typed, typed, *env)));
  }
  const std::string third = lower(words[2]);
  if (third != "for") {
    const std::string rest = join(words.subspan(2));
    if (parse_duration(rest)) {
      return tl::unexpected(
          error_for(name, "missing `for` before the duration",
                    did_you_mean(fmt::format("{} {} for {}", typed, *env, escape_mrkdwn(rest)))));
    }
    constexpr std::array<std::string_view, 1> for_word{"for"};
    const bool near_for = nearest(third, for_word).has_value();
    return tl::unexpected(
        error_for(name, fmt::format("expected `for` after the environment, got {}", quote_code(words[2])),
                  near_for ? did_you_mean("for") : std::string{}));
  }
  if (words.size() < 4) return tl::unexpected(error_for(name, "missing the duration after `for`"));
  auto duration = parse_duration(join(words.subspan(3)));
  if (!duration) return tl::unexpected(error_for(name, escape_mrkdwn(duration.error().message)));
  return prolong_cmd{std::move(*env), *duration};
}

tl::expected<command, parse_error> parse_support(std::span<const std::string_view> words) {
  if (words.size() < 2) {
    return tl::unexpected(
        parse_error{"`support` needs a subcommand: `start`, `stop` or `list`", support_usages(), {}});
  }
  const std::string sub = lower(words[1]);
  if (sub == "start") {
    if (words.size() > 4) {
      return tl::unexpected(
          error_for("support start", fmt::format("unexpected {} after the size", quote_code(words[4]))));
    }
    auto name =
        one_name(words.first(std::min<std::size_t>(words.size(), 3)), 2, {"support start", "support pod"});
    if (!name) return tl::unexpected(name.error());
    support_start_cmd out{std::move(*name), support_size::s};
    if (words.size() == 4) {
      const auto all = support_sizes();
      std::size_t i = 0;
      while (i < all.size() && lower(all[i]) != lower(words[3])) ++i;
      if (i == all.size()) {
        const auto near = nearest(words[3], all);
        return tl::unexpected(
            error_for("support start",
                      fmt::format("unknown size {}; sizes are XS, S, M, L and XL", quote_code(words[3])),
                      near ? did_you_mean(*near) : std::string{}));
      }
      out.size = static_cast<support_size>(i);
    }
    return out;
  }
  if (sub == "stop") {
    auto name = one_name(words, 2, {"support stop", "support pod"});
    if (!name) return tl::unexpected(name.error());
    return support_stop_cmd{std::move(*name)};
  }
  if (sub == "list") return no_arguments(words, 2, "support list", support_list_cmd{});
  constexpr std::array<std::string_view, 3> subs{"start", "stop", "list"};
  const auto near = nearest(sub, subs);
  return tl::unexpected(parse_error{fmt::format("unknown support subcommand {}", quote_code(words[1])),
                                    support_usages(),
                                    near ? did_you_mean(fmt::format("support {}", *near)) : std::string{}});
}

tl::expected<command, parse_error> parse_help(std::span<const std::string_view> words) {
  if (words.size() == 1) return help_cmd{};
  const std::string topic = lower(join(words.subspan(1)));
  if (topic == "support") return help_cmd{std::string("support")};
  if (const command_spec* found = find_command(topic)) return help_cmd{std::string(found->name)};
  const auto near = nearest(topic, command_words());
  return tl::unexpected(error_for("help", fmt::format("there is no command {}", quote_code(topic)),
                                  near ? did_you_mean(fmt::format("help {}", *near)) : std::string{}));
}

}  // namespace

std::string_view to_string(support_size size) {
  switch (size) {
    case support_size::xs:
      return "XS";
    case support_size::s:
      return "S";
    case support_size::m:
      return "M";
    case support_size::l:
      return "L";
    case support_size::xl:
      return "XL";
  }
  return "S";
}

std::string parse_error::to_mrkdwn() const {
  std::string out = fmt::format(":warning: {}", what);
  if (!suggestion.empty()) {
    std::string sentence = suggestion;  // "did you mean" opens a line of its own, so capitalise it
    if (sentence[0] >= 'a' && sentence[0] <= 'z') sentence[0] = static_cast<char>(sentence[0] - 'a' + 'A');
    out += "\n" + sentence;
  }
  if (!usage.empty()) out += fmt::format("\n*Usage:*\n{}", usage);
  return out;
}

result<std::string> validate_name(std::string_view raw, std::string_view kind) {
  const std::string name = lower(raw);
  if (name.empty()) return fail(errc::invalid_argument, fmt::format("the {} name is empty", kind));
  if (name.size() > max_label) {
    return fail(errc::invalid_argument,
                fmt::format("{} is not a valid {} name: it is {} characters long, the "
                            "most is {}",
                            quote_code(raw), kind, name.size(), max_label));
  }
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return fail(
          errc::invalid_argument,
          fmt::format("{} is not a valid {} name: use only letters, digits and '-'", quote_code(raw), kind));
    }
  }
  if (name.front() == '-' || name.back() == '-') {
    return fail(errc::invalid_argument,
                fmt::format("{} is not a valid {} name: it must start and end with a letter or digit",
                            quote_code(raw), kind));
  }
  return name;
}

tl::expected<command, parse_error> parse_command(std::string_view text) {
  const std::vector<std::string_view> all = split_words(text);
  const std::span<const std::string_view> words = all;
  if (words.empty()) return help_cmd{};
  const std::string first = lower(words[0]);
  if (first == "help") return parse_help(words);
  if (first == "list") return no_arguments(words, 1, "list", list_cmd{});
  if (first == "start") {
    auto env = one_name(words, 1, {"start", "environment"});
    if (!env) return tl::unexpected(env.error());
    return start_cmd{std::move(*env)};
  }
  if (first == "stop") {
    auto env = one_name(words, 1, {"stop", "environment"});
    if (!env) return tl::unexpected(env.error());
    return stop_cmd{std::move(*env)};
  }
  if (first == "status") {
    auto env = one_name(words, 1, {"status", "environment"});
    if (!env) return tl::unexpected(env.error());
    return status_cmd{std::move(*env)};
  }
  if (const command_spec* found = find_command(first); found != nullptr && found->name == "prolongate") {
    return parse_prolong(words);
  }
  if (first == "support") return parse_support(words);

  const std::string what = fmt::format("unknown command {}", quote_code(words[0]));
  if (const auto near = nearest(first, command_words())) {
    const command_spec* s = find_command(*near);
    return tl::unexpected(
        parse_error{what, s != nullptr ? usage(*s) : support_usages(), did_you_mean(*near)});
  }
  // A lone valid name is most likely someone asking about their environment.
  if (words.size() == 1 && validate_name(words[0], "environment")) {
    return tl::unexpected(
        parse_error{what, all_usages(), did_you_mean(fmt::format("status {}", lower(words[0])))});
  }
  return tl::unexpected(parse_error{what, all_usages(), {}});
}

}  // namespace devenv::slack
