// Fixed instants for schedule tests: never the system clock.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <string>

namespace devenv::testing {

using time_point = std::chrono::system_clock::time_point;

inline time_point utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  using namespace std::chrono;
  return date::sys_days{date::year{y} / date::month{mo} / date::day{d}} + hours{h} + minutes{mi} + seconds{s};
}

// The instant of a wall-clock time in `zone`; the earlier one when it repeats.
inline time_point wall(const char* zone, int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  using namespace std::chrono;
  const auto local =
      date::local_days{date::year{y} / date::month{mo} / date::day{d}} + hours{h} + minutes{mi} + seconds{s};
  return date::locate_zone(zone)->to_sys(local, date::choose::earliest);
}

inline std::string iso(time_point t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t));
}

}  // namespace devenv::testing
