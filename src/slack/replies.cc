#include "slack/replies.h"

#include "slack/command_table.h"

namespace devenv::slack {

message help_message(std::optional<std::string_view> topic) {
  message m;
  m.text = help_text(topic);
  m.body.section(m.text);
  return m;
}

message error_message(const parse_error& error) {
  message m;
  m.text = error.to_mrkdwn();
  std::string head = ":warning: " + error.what;
  if (!error.suggestion.empty()) {
    std::string sentence = error.suggestion;
    if (sentence[0] >= 'a' && sentence[0] <= 'z') sentence[0] = static_cast<char>(sentence[0] - 'a' + 'A');
    head += "\n" + sentence;
  }
  m.body.section(head);
  if (!error.usage.empty()) {
    const std::string usage =
        "*Usage:* " + std::string(error.usage.find('\n') == std::string::npos ? "" : "\n") + error.usage;
    m.body.context(std::vector<std::string>{usage});
  }
  return m;
}

}  // namespace devenv::slack
