#include "slack/mrkdwn.h"

#include "slack/utf8.h"

namespace devenv::slack {

std::string escape_mrkdwn(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string quote_code(std::string_view text, std::size_t max_chars) {
  std::string plain;
  const std::string_view cut = utf16_prefix(text, max_chars);
  for (const char c : cut) plain += c == '`' ? '\'' : c;
  if (cut.size() < text.size()) plain += "…";
  return "`" + escape_mrkdwn(plain) + "`";
}

std::string truncate_mrkdwn(std::string_view text, std::size_t max_units) {
  if (utf16_length(text) <= max_units) return std::string(text);
  if (max_units == 0) return {};
  std::string_view cut = utf16_prefix(text, max_units - 1);  // one unit for the ellipsis
  // Do not leave half an entity ("&am") behind: entities are short, so look back a few bytes only.
  const std::size_t amp = cut.rfind('&');
  if (amp != std::string_view::npos && cut.size() - amp < 6 && cut.find(';', amp) == std::string_view::npos) {
    cut = cut.substr(0, amp);
  }
  return std::string(cut) + "…";
}

}  // namespace devenv::slack
