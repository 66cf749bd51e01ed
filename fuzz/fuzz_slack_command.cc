// libFuzzer target: the text after the slash command through the grammar, duration parser, help and
// Block Kit rendering, checking the invariants the rest of the service relies on.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/duration.h"
#include "slack/blocks.h"
#include "slack/command.h"
#include "slack/command_table.h"
#include "slack/message.h"
#include "slack/utf8.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool valid_name(const std::string& name) {
  return devenv::slack::validate_name(name, "x").value_or("") == name;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace devenv::slack;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool utf8 = !find_invalid_utf8(text).has_value();

  if (const auto d = devenv::parse_duration(text)) {
    check(d->count() > 0 && *d <= devenv::max_duration);
    check(devenv::parse_duration(devenv::format_duration(*d)) == *d);
  }

  message reply;
  const auto parsed = parse_command(text);
  if (parsed) {
    std::visit(
        [&](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (requires { c.env; }) check(valid_name(c.env));
          if constexpr (requires { c.name; }) check(valid_name(c.name));
          if constexpr (std::is_same_v<T, prolong_cmd>) check(c.duration.count() > 0);
          if constexpr (std::is_same_v<T, help_cmd>) reply.body.section(help_text(c.topic));
        },
        *parsed);
  } else {
    const parse_error& e = parsed.error();
    check(!e.what.empty() && !e.usage.empty());
    check(e.what.find('<') == std::string::npos && e.usage.find('<') == std::string::npos);
    reply.text = e.to_mrkdwn();
    reply.body.section(reply.text);
  }
  if (utf8) {
    reply.body.list(std::vector<std::string>(60, std::string(text)), 55);
    const auto json = to_json(reply);
    check(json.dump().size() > 0);
    check(!json.contains("blocks") || json["blocks"].size() <= blocks::max_blocks);
  }
  return 0;
}
