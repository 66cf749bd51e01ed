// Slack mrkdwn text helpers: escaping user-provided text and quoting it in replies. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace devenv::slack {

// Replaces &, < and > with &amp;, &lt; and &gt; — the three characters Slack asks apps to escape, so a
// user's "<!channel>" or "<http://evil|ok>" is shown as typed instead of pinging or linking.
std::string escape_mrkdwn(std::string_view text);

// `text` as inline code, for echoing user input in an error: escaped, backticks replaced (they would end the
// code span), and cut to `max_chars` characters with "…" so a 10 kB argument does not become a 10 kB reply.
std::string quote_code(std::string_view text, std::size_t max_chars = 40);

// Cuts mrkdwn to at most `max_units` UTF-16 units, ending with "…" when cut, never inside a code point or
// an &entity; produced by escape_mrkdwn.
std::string truncate_mrkdwn(std::string_view text, std::size_t max_units);

}  // namespace devenv::slack
