// libFuzzer target: the JSON inside an interaction's `payload` form field (a button press from Slack) through
// parse_interaction, checking that whatever is accepted carries what the handler relies on.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "slack/form.h"
#include "slack/interaction.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace devenv::slack;
  const std::string payload(reinterpret_cast<const char*>(data), size);
  form_fields form;
  form.add("payload", payload);
  const auto parsed = parse_interaction(form);
  if (parsed) {
    check(parsed->type == "block_actions");
    check(!parsed->user_id.empty() && !parsed->response_url.empty() && !parsed->actions.empty());
  } else {
    check(!parsed.error().message.empty());
  }
  // A repeated payload is refused whatever it holds.
  form.add("payload", payload);
  check(!parse_interaction(form).has_value());
  return 0;
}
