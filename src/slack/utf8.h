// UTF-8 checks and measures for text that crosses the Slack boundary: decoded form fields must be valid
// UTF-8, and Block Kit limits are counted in characters. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace devenv::slack {

// Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF), or nullopt when the whole text is valid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// Length in UTF-16 code units, the most conservative reading of Slack's "characters" (an emoji outside the
// BMP counts 2). Assumes valid UTF-8.
std::size_t utf16_length(std::string_view text);

// The longest prefix of `text` whose UTF-16 length is at most `max_units`, cut on a code point boundary.
std::string_view utf16_prefix(std::string_view text, std::size_t max_units);

}  // namespace devenv::slack
