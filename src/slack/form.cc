#include "slack/form.h"

#include <fmt/format.h>

#include "slack/utf8.h"

namespace devenv::slack {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Names a field in an error without echoing an arbitrarily long or binary key.
std::string describe(std::string_view decoded_key) {
  constexpr std::size_t max_echo = 40;
  if (decoded_key.empty()) return "a field without a name";
  if (decoded_key.size() > max_echo || find_invalid_utf8(decoded_key)) return "a field";
  return fmt::format("field `{}`", decoded_key);
}

result<std::string> percent_decode(std::string_view raw, std::string_view what) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      const int hi = i + 1 < raw.size() ? hex_value(raw[i + 1]) : -1;
      const int lo = i + 2 < raw.size() ? hex_value(raw[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return fail(errc::invalid_argument,
                    fmt::format("bad percent-escape in {} at byte {}: '%' must be followed by two hex digits",
                                what, i));
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& form_fields::all(std::string_view key) const {
  static const std::vector<std::string> none;
  const auto it = fields_.find(key);
  return it == fields_.end() ? none : it->second;
}

result<std::optional<std::string>> form_fields::single(std::string_view key) const {
  const auto it = fields_.find(key);
  if (it == fields_.end()) return std::optional<std::string>{};
  if (it->second.size() != 1) {
    return fail(errc::invalid_argument, fmt::format("field `{}` appears {} times", key, it->second.size()));
  }
  return std::optional<std::string>{it->second.front()};
}

void form_fields::add(std::string key, std::string value) {
  fields_[std::move(key)].push_back(std::move(value));
}

result<form_fields> decode_form(std::string_view body) {
  form_fields out;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::string_view raw_key = pair.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    auto key = percent_decode(raw_key, "a field name");
    if (!key) return tl::unexpected(key.error());
    if (const auto bad = find_invalid_utf8(*key)) {
      return fail(errc::invalid_argument, fmt::format("a field name is not valid UTF-8 (byte {})", *bad));
    }
    auto value = percent_decode(raw_value, describe(*key));
    if (!value) return tl::unexpected(value.error());
    if (const auto bad = find_invalid_utf8(*value)) {
      return fail(errc::invalid_argument,
                  fmt::format("{} is not valid UTF-8 (byte {} of the decoded value)", describe(*key), *bad));
    }
    out.add(std::move(*key), std::move(*value));
  }
  return out;
}

std::string encode_form_value(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace devenv::slack
