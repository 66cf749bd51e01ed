#include "core/duration.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <optional>

namespace devenv {
namespace {

struct unit {
  std::string_view name;
  std::int64_t minutes;
  int rank;  // larger units have larger ranks; a duration lists them from large to small
};

constexpr std::array<unit, 13> units{{
    {"d", 1440, 3},
    {"day", 1440, 3},
    {"days", 1440, 3},
    {"h", 60, 2},
    {"hr", 60, 2},
    {"hrs", 60, 2},
    {"hour", 60, 2},
    {"hours", 60, 2},
    {"m", 1, 1},
    {"min", 1, 1},
    {"mins", 1, 1},
    {"minute", 1, 1},
    {"minutes", 1, 1},
}};

// Longer than this and the number cannot be a duration we accept, so we stop reading digits before any
// arithmetic could overflow.
constexpr std::int64_t max_integer_part = 10'000'000;
constexpr int max_fraction_digits = 6;

bool is_space(char c) {
  return c == ' ' || c == '\t';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return c >= 'a' && c <= 'z';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Echoes user input in an error without letting a megabyte of it through.
std::string quoted(std::string_view s) {
  constexpr std::size_t max_echo = 40;
  if (s.size() <= max_echo) return fmt::format("`{}`", s);
  return fmt::format("`{}…`", s.substr(0, max_echo));
}

std::optional<unit> find_unit(std::string_view name) {
  for (const unit& u : units) {
    if (u.name == name) return u;
  }
  return std::nullopt;
}

constexpr std::string_view examples = "e.g. `2h`, `90m`, `1h30m` or `45 minutes`";

}  // namespace

result<std::chrono::minutes> parse_duration(std::string_view text) {
  const std::string s = lower(text);
  std::size_t i = 0;
  const auto skip_spaces = [&] {
    while (i < s.size() && is_space(s[i])) ++i;
  };
  skip_spaces();
  if (i == s.size()) return fail(errc::invalid_argument, fmt::format("no duration given; use {}", examples));
  if (s[i] == '-') {
    return fail(errc::invalid_argument,
                fmt::format("{} is negative; a duration must be positive, {}", quoted(text), examples));
  }

  std::int64_t total = 0;
  int last_rank = 4;
  bool first = true;
  while (true) {
    skip_spaces();
    if (i == s.size()) break;
    if (!first && s.compare(i, 3, "and") == 0 && (i + 3 == s.size() || !is_alpha(s[i + 3]))) {
      i += 3;
      skip_spaces();
    }
    first = false;
    const std::size_t group_start = i;
    if (i == s.size() || !(is_digit(s[i]) || s[i] == '.')) {
      return fail(errc::invalid_argument,
                  fmt::format("{} is not a duration: expected a number at {}; use {}", quoted(text),
                              quoted(std::string_view(s).substr(i)), examples));
    }
    std::int64_t integer = 0;
    bool any_digit = false;
    while (i < s.size() && is_digit(s[i])) {
      any_digit = true;
      integer = integer * 10 + (s[i] - '0');
      if (integer > max_integer_part) {
        return fail(errc::invalid_argument, fmt::format("{} is too long; the longest duration is {}",
                                                        quoted(text), format_duration(max_duration)));
      }
      ++i;
    }
    std::int64_t fraction = 0;
    std::int64_t scale = 1;
    if (i < s.size() && s[i] == '.') {
      ++i;
      int digits = 0;
      while (i < s.size() && is_digit(s[i])) {
        any_digit = true;
        if (++digits > max_fraction_digits) {
          return fail(errc::invalid_argument, fmt::format("{} has too many decimals", quoted(text)));
        }
        fraction = fraction * 10 + (s[i] - '0');
        scale *= 10;
        ++i;
      }
    }
    if (!any_digit) {
      return fail(errc::invalid_argument,
                  fmt::format("{} is not a duration: a number needs digits; use {}", quoted(text), examples));
    }
    skip_spaces();
    const std::size_t unit_start = i;
    while (i < s.size() && is_alpha(s[i])) ++i;
    const std::string_view unit_name = std::string_view(s).substr(unit_start, i - unit_start);
    const std::string_view number = std::string_view(s).substr(group_start, unit_start - group_start);
    if (unit_name.empty()) {
      if (i < s.size() && !is_space(s[i])) {
        return fail(errc::invalid_argument,
                    fmt::format("{} is not a duration: unexpected {}; use {}", quoted(text),
                                quoted(std::string_view(s).substr(i, 1)), examples));
      }
      return fail(errc::invalid_argument,
                  fmt::format("{} needs a unit: minutes or hours? Write e.g. `{}m` or `{}h`", quoted(number),
                              number.substr(0, number.find_last_not_of(' ') + 1),
                              number.substr(0, number.find_last_not_of(' ') + 1)));
    }
    const std::optional<unit> u = find_unit(unit_name);
    if (!u) {
      return fail(
          errc::invalid_argument,
          fmt::format("{} is not a unit; use d, h or m (or days, hours, minutes)", quoted(unit_name)));
    }
    if (u->rank >= last_rank) {
      return fail(errc::invalid_argument,
                  fmt::format("{} is not a duration: give each unit once, largest first, e.g. `1h30m`",
                              quoted(text)));
    }
    last_rank = u->rank;
    const std::int64_t scaled = (integer * scale + fraction) * u->minutes;  // < 1e7 * 1e6 * 1440 < 2^63
    if (scaled % scale != 0) {
      return fail(errc::invalid_argument,
                  fmt::format("{} is not a whole number of minutes",
                              quoted(std::string_view(s).substr(group_start, i - group_start))));
    }
    total += scaled / scale;
    if (total > max_duration.count()) {
      return fail(errc::invalid_argument, fmt::format("{} is too long; the longest duration is {}",
                                                      quoted(text), format_duration(max_duration)));
    }
  }
  if (total == 0) {
    return fail(errc::invalid_argument,
                fmt::format("{} is zero; a duration must be longer than that, {}", quoted(text), examples));
  }
  return std::chrono::minutes{total};
}

std::string format_duration(std::chrono::minutes d) {
  std::int64_t m = d.count();
  std::string out;
  if (m < 0) {
    out = "-";
    m = -m;  // minutes::rep is 64-bit; INT64_MIN minutes is not a duration anyone formats
  }
  if (m == 0) return "0 min";
  const std::int64_t days = m / 1440;
  const std::int64_t hours = m % 1440 / 60;
  const std::int64_t minutes = m % 60;
  std::string parts;
  const auto add = [&](std::int64_t v, std::string_view unit_name) {
    if (v == 0) return;
    if (!parts.empty()) parts += ' ';
    parts += fmt::format("{} {}", v, unit_name);
  };
  add(days, "d");
  add(hours, "h");
  add(minutes, "min");
  return out + parts;
}

}  // namespace devenv
