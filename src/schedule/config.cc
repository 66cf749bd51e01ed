#include "schedule/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace devenv::schedule {
namespace {

using namespace std::chrono;

constexpr const char* short_days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr const char* long_days[] = {"sunday",   "monday", "tuesday", "wednesday",
                                     "thursday", "friday", "saturday"};

std::optional<unsigned> parse_day(std::string_view s) {
  std::string lower(s);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (unsigned i = 0; i < 7; ++i) {
    if (lower == short_days[i] || lower == long_days[i]) return i;
  }
  if (s.size() == 1 && s[0] >= '0' && s[0] <= '6') return static_cast<unsigned>(s[0] - '0');
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

result<minutes> parse_wall_time(std::string_view text) {
  const auto bad = [&] {
    return fail(errc::invalid_argument,
                fmt::format("time \"{}\" is not HH:MM between 00:00 and 23:59", text));
  };
  if (text.size() != 5 || text[2] != ':') return bad();
  int h = 0, m = 0;
  if (std::from_chars(text.data(), text.data() + 2, h).ptr != text.data() + 2) return bad();
  if (std::from_chars(text.data() + 3, text.data() + 5, m).ptr != text.data() + 5) return bad();
  if (!std::isdigit(static_cast<unsigned char>(text[0])) ||
      !std::isdigit(static_cast<unsigned char>(text[3])) || h > 23 || m > 59) {
    return bad();
  }
  return hours{h} + minutes{m};
}

result<weekday_set> parse_workdays(std::string_view text) {
  weekday_set out;
  const std::string_view all = trim(text);
  if (all == "*") {
    for (unsigned i = 0; i < 7; ++i) out.insert(date::weekday{i});
    return out;
  }
  std::size_t pos = 0;
  while (pos <= all.size()) {
    const auto comma = all.find(',', pos);
    const std::string_view item = trim(all.substr(pos, comma == all.npos ? all.npos : comma - pos));
    const auto bad = [&] {
      return fail(errc::invalid_argument,
                  fmt::format("workdays \"{}\": \"{}\" is not a day (mon..sun, monday..sunday, 0-6 with 0 = "
                              "Sunday) or a range of days",
                              text, item));
    };
    const auto dash = item.find('-');
    const auto first = parse_day(trim(item.substr(0, dash)));
    if (!first) return bad();
    unsigned last = *first;
    if (dash != item.npos) {
      const auto l = parse_day(trim(item.substr(dash + 1)));
      if (!l) return bad();
      last = *l;
    }
    // A range may wrap around the week ("fri-mon").
    for (unsigned d = *first;; d = (d + 1) % 7) {
      out.insert(date::weekday{d});
      if (d == last) break;
    }
    if (comma == all.npos) break;
    pos = comma + 1;
  }
  return out;
}

result<schedule_config> make_schedule_config(const schedule_input& input) {
  schedule_config config;
  try {
    config.zone = date::locate_zone(input.timezone);
  } catch (const std::exception&) {
    return fail(
        errc::invalid_argument,
        fmt::format("timezone \"{}\" is not an IANA time zone name (e.g. Europe/Berlin)", input.timezone));
  }
  auto shutdown = parse_wall_time(input.shutdown);
  if (!shutdown) return fail(errc::invalid_argument, "shutdown: " + shutdown.error().message);
  auto reset = parse_wall_time(input.reset);
  if (!reset) return fail(errc::invalid_argument, "reset: " + reset.error().message);
  if (*reset >= *shutdown) {
    return fail(errc::invalid_argument,
                fmt::format("reset {} must be earlier than shutdown {}: working hours are [reset, shutdown)",
                            input.reset, input.shutdown));
  }
  auto workdays = parse_workdays(input.workdays);
  if (!workdays) return tl::unexpected(workdays.error());
  if (input.max_prolong <= minutes{0} || input.max_prolong >= hours{24}) {
    return fail(errc::invalid_argument,
                fmt::format("max_prolong must be more than 0 and less than 24 h, got {} min",
                            input.max_prolong.count()));
  }
  if (input.after_hours_start <= minutes{0} || input.after_hours_start >= hours{24}) {
    return fail(errc::invalid_argument,
                fmt::format("after_hours_start must be more than 0 and less than 24 h, got {} min",
                            input.after_hours_start.count()));
  }
  std::vector<minutes> warnings;
  for (int w : input.warnings) {
    if (w <= 0 || w >= 24 * 60) {
      return fail(errc::invalid_argument,
                  fmt::format("warning offset {} min must be more than 0 and less than 1440 min", w));
    }
    if (std::find(warnings.begin(), warnings.end(), minutes{w}) != warnings.end()) {
      return fail(errc::invalid_argument, fmt::format("warning offset {} min is listed twice", w));
    }
    warnings.emplace_back(w);
  }
  std::sort(warnings.begin(), warnings.end(), std::greater<>{});

  config.shutdown = *shutdown;
  config.reset = *reset;
  config.workdays = std::move(*workdays);
  config.max_prolong = input.max_prolong;
  config.after_hours_start = input.after_hours_start;
  config.warnings = std::move(warnings);
  return config;
}

std::string default_cron(const schedule_config& config) {
  // Day-of-week as compact numeric ranges ("1-5", "0,6"); all seven days is "*".
  std::string days;
  if (config.workdays.size() == 7) {
    days = "*";
  } else {
    unsigned d = 0;
    while (d < 7) {
      if (!config.workdays.contains(date::weekday{d})) {
        ++d;
        continue;
      }
      unsigned e = d;
      while (e + 1 < 7 && config.workdays.contains(date::weekday{e + 1})) ++e;
      if (!days.empty()) days += ',';
      days += e == d ? fmt::format("{}", d) : fmt::format("{}-{}", d, e);
      d = e + 1;
    }
  }
  const auto h = duration_cast<hours>(config.shutdown);
  return fmt::format("{} {} * * {}", (config.shutdown - h).count(), h.count(), days);
}

bool is_working_time(const schedule_config& config, system_clock::time_point now) {
  const auto local = config.zone->to_local(floor<seconds>(now));
  const auto day = floor<date::days>(local);
  if (!config.workdays.contains(date::weekday{day})) return false;
  const auto since_midnight = local - day;
  return since_midnight >= config.reset && since_midnight < config.shutdown;
}

}  // namespace devenv::schedule
