#include "core/rfc3339.h"

#include <date/date.h>

#include <cctype>

namespace devenv {

std::string format_rfc3339(std::chrono::system_clock::time_point t) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", std::chrono::floor<std::chrono::seconds>(t));
}

namespace {

// Reads exactly `n` digits at `pos`; -1 when they are not all digits.
int digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

// A hand-written reader of "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)": small, exact about what it accepts, and
// free of the stream machinery that makes GCC 12 warn inside date::parse at -O3.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  const int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  const int h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
  if (s.size() < 20 || y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return std::nullopt;
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::size_t pos = 19;
  microseconds fraction{0};
  if (s[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    long long scale = 100000;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      fraction += microseconds((s[pos] - '0') * scale);
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  seconds offset{0};
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
    if (oh < 0 || om < 0 || pos + 3 >= s.size() || s[pos + 3] != ':' || oh > 23 || om > 59) return std::nullopt;
    offset = hours(oh) + minutes(om);
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const auto local = date::sys_days{ymd} + hours(h) + minutes(mi) + seconds(sec) + fraction;
  // system_clock counts nanoseconds in 64 bits (years 1678..2262): a valid RFC 3339 year outside that
  // range would overflow the cast (found by fuzz/fuzz_notified), so it is refused like any bad input.
  const auto utc = local - offset;
  if (utc < time_point_cast<microseconds>(system_clock::time_point::min()) ||
      utc > time_point_cast<microseconds>(system_clock::time_point::max()))
    return std::nullopt;
  return time_point_cast<system_clock::duration>(utc);
}

}  // namespace devenv
