#include "schedule/warning_plan.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/rfc3339.h"

namespace devenv::schedule {

using namespace std::chrono;

warning_decision decide_warning(const std::vector<minutes>& offsets,
                                std::optional<system_clock::time_point> next, const notified_record& notified,
                                system_clock::time_point now) {
  warning_decision out;
  out.record = notified;
  if (!next) return out;
  const auto shutdown = *next;
  if (notified.shutdown != shutdown) out.record = notified_record{shutdown, {}};
  if (now >= shutdown) return out;

  std::vector<int> due;
  std::optional<system_clock::time_point> wake;
  for (const auto offset : offsets) {
    const int o = static_cast<int>(offset.count());
    if (out.record.sent.contains(o)) continue;
    const auto at = shutdown - offset;
    if (at <= now) {
      due.push_back(o);
    } else if (!wake || at < *wake) {
      wake = at;
    }
  }
  if (!due.empty()) {
    out.send = ceil<minutes>(shutdown - now);
    out.record.sent.insert(due.begin(), due.end());
  }
  out.wake_at = wake.value_or(shutdown);
  return out;
}

std::string to_annotation(const notified_record& record) {
  nlohmann::json j = nlohmann::json::object();
  if (record.shutdown) j["for"] = format_rfc3339(*record.shutdown);
  auto sent = nlohmann::json::array();
  for (auto it = record.sent.rbegin(); it != record.sent.rend(); ++it) sent.push_back(*it);
  j["sent"] = std::move(sent);
  return j.dump();
}

notified_record parse_notified(std::string_view text) {
  notified_record out;
  try {
    const auto j = nlohmann::json::parse(text);
    if (!j.is_object()) return {};
    const auto f = j.find("for");
    if (f == j.end() || !f->is_string()) return {};
    const auto at = parse_rfc3339(f->get<std::string>());
    if (!at) return {};
    // Whole seconds, as to_annotation writes them: a hand-written fraction must not look like a new T (which
    // would start a fresh warning series). Found by fuzz_notified.
    out.shutdown = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        std::chrono::floor<std::chrono::seconds>(*at));
    const auto s = j.find("sent");
    if (s != j.end() && s->is_array()) {
      for (const auto& item : *s) {
        if (item.is_number_integer() && item.get<long long>() > 0 && item.get<long long>() < 24 * 60) {
          out.sent.insert(static_cast<int>(item.get<long long>()));
        }
      }
    }
  } catch (const nlohmann::json::exception&) {
    return {};
  }
  return out;
}

}  // namespace devenv::schedule
