#include "core/cron.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace devenv {
namespace {

using namespace std::chrono;

struct field_spec {
  const char* name;
  int min;
  int max;
  const char* const* names;  // lowercase names for values min..max, or null
};

constexpr const char* month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr field_spec field_specs[] = {
    {"minute", 0, 59, nullptr},    {"hour", 0, 23, nullptr},         {"day-of-month", 1, 31, nullptr},
    {"month", 1, 12, month_names}, {"day-of-week", 0, 6, day_names},
};

std::string allowed(const field_spec& f) {
  if (f.names == nullptr) return fmt::format("{}-{}", f.min, f.max);
  std::string first = f.names[0], last = f.names[f.max - f.min];
  for (auto& c : first) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (auto& c : last) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return fmt::format("{}-{} or {}-{}", f.min, f.max, first, last);
}

tl::unexpected<error> field_error(const field_spec& f, std::string_view item, std::string_view why) {
  return fail(errc::invalid_argument,
              fmt::format("cron {}: {} in \"{}\" (allowed {})", f.name, why, item, allowed(f)));
}

std::optional<int> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// A value: a number or (for month / day-of-week) a case-insensitive three-letter name.
result<int> parse_value(const field_spec& f, std::string_view item, std::string_view s) {
  if (s.empty()) return field_error(f, item, "missing value");
  if (auto n = parse_number(s)) {
    if (*n < f.min || *n > f.max) {
      if (f.names == day_names && *n == 7) {
        return field_error(f, item, "7 is not accepted by Kubernetes (robfig/cron); use 0 or SUN for Sunday");
      }
      return field_error(f, item, fmt::format("value {} out of range", *n));
    }
    return *n;
  }
  if (f.names != nullptr && s.size() == 3) {
    std::string lower(s);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (int i = 0; i <= f.max - f.min; ++i) {
      if (lower == f.names[i]) return f.min + i;
    }
  }
  return field_error(f, item, fmt::format("\"{}\" is not a number{}", s, f.names ? " or a name" : ""));
}

struct parsed_field {
  std::uint64_t bits = 0;
  bool star = false;
};

result<parsed_field> parse_field(const field_spec& f, std::string_view text) {
  parsed_field out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t comma = text.find(',', pos);
    const std::string_view item = text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
    if (item.empty()) return field_error(f, text, "empty list item");

    std::string_view range = item;
    std::optional<int> step;
    if (const auto slash = item.find('/'); slash != item.npos) {
      range = item.substr(0, slash);
      const std::string_view step_text = item.substr(slash + 1);
      if (step_text.find('/') != step_text.npos) return field_error(f, item, "too many slashes");
      step = parse_number(step_text);
      if (!step || *step < 1) return field_error(f, item, "step must be a positive number");
    }

    int lo = 0, hi = 0;
    bool star = false;
    if (range == "*" || range == "?") {
      lo = f.min;
      hi = f.max;
      star = true;
    } else {
      const auto dash = range.find('-');
      if (dash != range.npos && range.find('-', dash + 1) != range.npos) {
        return field_error(f, item, "too many hyphens");
      }
      auto first = parse_value(f, item, range.substr(0, dash));
      if (!first) return tl::unexpected(first.error());
      lo = *first;
      hi = lo;
      if (dash != range.npos) {
        auto last = parse_value(f, item, range.substr(dash + 1));
        if (!last) return tl::unexpected(last.error());
        hi = *last;
      } else if (step) {
        hi = f.max;  // "N/S" means N-max/S
      }
      if (lo > hi) return field_error(f, item, fmt::format("range start {} is after its end {}", lo, hi));
    }
    const int s = step.value_or(1);
    if (s > 1) star = false;  // robfig v3: "*/2" restricts the field
    for (int v = lo; v <= hi; v += s) out.bits |= std::uint64_t{1} << v;
    out.star = out.star || star;

    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

const char* macro_fields(std::string_view macro) {
  if (macro == "@yearly" || macro == "@annually") return "0 0 1 1 *";
  if (macro == "@monthly") return "0 0 1 * *";
  if (macro == "@weekly") return "0 0 * * 0";
  if (macro == "@daily" || macro == "@midnight") return "0 0 * * *";
  if (macro == "@hourly") return "0 * * * *";
  return nullptr;
}

bool has_bit(std::uint64_t bits, unsigned v) {
  return (bits >> v) & 1U;
}

}  // namespace

result<cron_expression> cron_expression::parse(std::string_view text) {
  const auto words = split_ws(text);
  if (words.empty()) return fail(errc::invalid_argument, "cron: empty schedule");
  const std::string_view head = words.front();
  if (head.starts_with("TZ=") || head.starts_with("CRON_TZ=")) {
    return fail(errc::invalid_argument,
                "cron: a TZ= prefix is not allowed; the zone belongs in spec.timeZone");
  }

  const bool is_macro = head.starts_with('@');
  std::vector<std::string_view> fields = words;
  if (is_macro) {
    const char* expansion = macro_fields(head);
    if (expansion == nullptr || words.size() != 1) {
      return fail(errc::invalid_argument,
                  fmt::format("cron: unsupported macro \"{}\" (allowed @yearly @annually @monthly @weekly "
                              "@daily @midnight @hourly)",
                              text));
    }
    fields = split_ws(expansion);
  } else if (words.size() != 5) {
    return fail(
        errc::invalid_argument,
        fmt::format("cron: expected 5 fields (minute hour day-of-month month day-of-week), got {} in \"{}\"",
                    words.size(), text));
  }

  cron_expression expr;
  for (std::size_t i = 0; i < 5; ++i) {
    auto parsed = parse_field(field_specs[i], fields[i]);
    if (!parsed) return tl::unexpected(parsed.error());
    expr.bits_[i] = parsed->bits;
    if (i == 2) expr.dom_star_ = parsed->star;
    if (i == 4) expr.dow_star_ = parsed->star;
    if (!is_macro) {
      if (i > 0) expr.text_ += ' ';
      expr.text_ += fields[i];
    }
  }
  if (is_macro) expr.text_ = std::string(head);
  return expr;
}

bool cron_expression::day_matches(date::year_month_day ymd, date::weekday wd) const {
  const bool dom = has_bit(bits(cron_field::day_of_month), static_cast<unsigned>(ymd.day()));
  const bool dow = has_bit(bits(cron_field::day_of_week), wd.c_encoding());
  if (dom_star_ || dow_star_) return dom && dow;
  return dom || dow;
}

bool cron_expression::matches(date::local_seconds local) const {
  const auto day = floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<seconds> tod{local - day};
  return has_bit(bits(cron_field::month), static_cast<unsigned>(ymd.month())) &&
         day_matches(ymd, date::weekday{day}) &&
         has_bit(bits(cron_field::hour), static_cast<unsigned>(tod.hours().count())) &&
         has_bit(bits(cron_field::minute), static_cast<unsigned>(tod.minutes().count()));
}

std::optional<system_clock::time_point> cron_expression::next_after(system_clock::time_point after,
                                                                    const date::time_zone* zone) const {
  // Walk local days, and in each matching day the matching wall-clock minutes in ascending order; map
  // each to its instant(s) (none in a DST gap, two in a repeated hour) and keep the earliest one after
  // `after`. Local order is not instant order around a fall-back, so we keep scanning until local time
  // is far enough past the best candidate that no later wall time can map before it: offsets inside a
  // few days differ by far less than the 3 h margin.
  const auto start_local = zone->to_local(floor<seconds>(after));
  const date::year limit_year = date::year_month_day{floor<date::days>(start_local)}.year() + date::years{5};
  constexpr auto margin = hours{3};

  std::optional<date::sys_seconds> best;
  std::optional<date::local_seconds> best_local;
  // Start a day early: a repeated hour near midnight can put yesterday's wall time after `after`.
  for (auto day = floor<date::days>(start_local) - date::days{1};; day += date::days{1}) {
    if (best_local && date::local_seconds{day} > *best_local + margin) break;
    const date::year_month_day ymd{day};
    if (ymd.year() > limit_year) break;
    if (!has_bit(bits(cron_field::month), static_cast<unsigned>(ymd.month()))) continue;
    if (!day_matches(ymd, date::weekday{day})) continue;
    for (unsigned h = 0; h < 24; ++h) {
      if (!has_bit(bits(cron_field::hour), h)) continue;
      for (unsigned m = 0; m < 60; ++m) {
        if (!has_bit(bits(cron_field::minute), m)) continue;
        const date::local_seconds local = date::local_seconds{day} + hours{h} + minutes{m};
        if (best_local && local > *best_local + margin) break;
        if (local + margin < start_local) continue;  // cannot map after `after`
        const date::local_info info = zone->get_info(local);
        if (info.result == date::local_info::nonexistent) continue;
        date::sys_seconds candidates[2] = {date::sys_seconds{local.time_since_epoch() - info.first.offset},
                                           date::sys_seconds{local.time_since_epoch() - info.second.offset}};
        const int count = info.result == date::local_info::ambiguous ? 2 : 1;
        for (int i = 0; i < count; ++i) {
          if (candidates[i] > after && (!best || candidates[i] < *best)) {
            best = candidates[i];
            best_local = local;
          }
        }
      }
    }
  }
  if (!best) return std::nullopt;
  return system_clock::time_point{*best};
}

}  // namespace devenv
