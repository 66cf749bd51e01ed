#include "core/rfc3339.h"

#include <date/date.h>

#include <sstream>

namespace devenv {

std::string format_rfc3339(std::chrono::system_clock::time_point t) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", std::chrono::floor<std::chrono::seconds>(t));
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  // date::parse's %Ez accepts "+01:00"; a trailing 'Z' is UTC.
  std::string s(text);
  if (s.size() < 20) return std::nullopt;
  if (s.back() == 'Z' || s.back() == 'z') s.replace(s.size() - 1, 1, "+00:00");
  std::istringstream in(s);
  date::sys_time<std::chrono::microseconds> tp;
  in >> date::parse("%FT%T%Ez", tp);
  if (in.fail()) {
    in.clear();
    in.str(s);
    in >> date::parse("%Ft%T%Ez", tp);
    if (in.fail()) return std::nullopt;
  }
  if (in.peek() != std::char_traits<char>::eof()) return std::nullopt;
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(tp);
}

}  // namespace devenv
