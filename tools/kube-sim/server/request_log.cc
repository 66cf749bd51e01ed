#include "server/request_log.h"

#include "core/rfc3339.h"

namespace kubesim {

using json = nlohmann::json;

bool request_log::open_file(const std::string& file) {
  auto out = std::make_unique<std::ofstream>(file, std::ios::app);
  if (!*out) return false;
  file_ = std::move(out);
  return true;
}

json request_log::to_json(std::uint64_t index, const request_record& r) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(r.time.time_since_epoch()).count() % 1000;
  std::string time = devenv::format_rfc3339(r.time);
  // RFC 3339 with milliseconds: order within a second matters when reading a log.
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(millis));
  time.insert(time.size() - 1, fraction);
  return {{"index", index},         {"time", time},
          {"method", r.method},     {"path", r.path},
          {"query", r.query},       {"status", r.status},
          {"user", r.user},         {"latencyMs", static_cast<double>(r.latency.count()) / 1000.0},
          {"verb", r.verb},         {"apiGroup", r.api_group},
          {"resource", r.resource}, {"subresource", r.subresource},
          {"namespace", r.ns},      {"name", r.name},
          {"userAgent", r.user_agent}};
}

void request_log::add(request_record record) {
  if (file_) {
    *file_ << to_json(next_index(), record).dump() << '\n';
    file_->flush();
  }
  records_.push_back(std::move(record));
  if (records_.size() > capacity_) {
    records_.pop_front();
    ++first_index_;
  }
}

json request_log::query(std::uint64_t since, const std::optional<std::string>& user,
                        std::size_t limit) const {
  json items = json::array();
  const std::uint64_t start = since > first_index_ ? since - first_index_ : 0;
  for (std::uint64_t i = start; i < records_.size() && items.size() < limit; ++i) {
    const auto& record = records_[static_cast<std::size_t>(i)];
    if (user && record.user != *user) continue;
    items.push_back(to_json(first_index_ + i, record));
  }
  return {{"items", items}, {"firstIndex", first_index_}, {"nextIndex", next_index()}};
}

}  // namespace kubesim
