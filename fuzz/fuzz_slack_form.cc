// libFuzzer target: a raw request body through everything the Slack endpoints do before any I/O —
// signature check, form decoding, slash command and interaction parsing, command grammar, error rendering.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "slack/command.h"
#include "slack/form.h"
#include "slack/interaction.h"
#include "slack/message.h"
#include "slack/signature.h"
#include "slack/slash_command.h"
#include "slack/utf8.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace devenv::slack;
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  const auto now = std::chrono::sys_seconds{std::chrono::seconds{1'700'000'000}};
  check(verify_signature("secret", "1700000000", sign("secret", "1700000000", body), body, now).has_value());
  check(!verify_signature("secret", "1700000000", "v0=00", body, now).has_value());

  const auto form = decode_form(body);
  if (!form) return 0;
  for (const auto* key : {"text", "payload", "user_id"}) {
    for (const auto& value : form->all(key)) check(!find_invalid_utf8(value).has_value());
  }
  if (const auto cmd = parse_slash_command(*form)) {
    message reply;
    const auto parsed = parse_command(cmd->text);
    if (parsed) {
      reply.text = "ok";
    } else {
      reply.text = parsed.error().to_mrkdwn();
      reply.body.section(reply.text);
    }
    // Decoded text is valid UTF-8, so everything derived from it must serialise.
    check(!to_json(reply).dump().empty());
  }
  if (const auto action = parse_interaction(*form))
    check(!action->actions.empty() && !action->user_id.empty());
  return 0;
}
