#include "api/environment_json.h"

#include "core/rfc3339.h"

namespace devenv::api {

namespace {

std::string scheduler_value(const env::schedule_label& label) {
  return label.value.empty() ? std::string("enabled") : label.value;
}

std::string_view outcome_name(env::resource_outcome outcome) {
  switch (outcome) {
    case env::resource_outcome::ok:
      return "changed";
    case env::resource_outcome::skipped:
      return "skipped";
    case env::resource_outcome::failed:
      break;
  }
  return "failed";
}

// EC2/RDS of an environment from the inventory (issue 7): {resources:[{kind,id,type,state}], ageSeconds,
// stale, error}. ageSeconds is null before the first refresh.
nlohmann::json aws_json(const env::external_status& e) {
  nlohmann::json resources = nlohmann::json::array();
  for (const auto& r : e.resources) {
    resources.push_back({{"kind", r.kind}, {"id", r.id}, {"type", r.type}, {"state", r.state}});
  }
  nlohmann::json out{{"resources", std::move(resources)},
                     {"ageSeconds", e.age ? nlohmann::json(e.age->count()) : nlohmann::json(nullptr)},
                     {"stale", e.stale}};
  if (!e.error.empty()) out["error"] = e.error;
  return out;
}

}  // namespace

nlohmann::json to_json(const env::environment_status& s) {
  nlohmann::json workloads = nlohmann::json::array();
  for (const auto& w : s.workloads) {
    nlohmann::json item{{"kind", env::to_string(w.kind)},
                        {"name", w.name},
                        {"desired", w.desired},
                        {"ready", w.ready},
                        {"saved", w.saved ? nlohmann::json(*w.saved) : nlohmann::json(nullptr)},
                        {"excluded", w.excluded}};
    if (w.annotation_invalid) item["invalidAnnotation"] = w.annotation_raw;
    workloads.push_back(std::move(item));
  }
  nlohmann::json out{{"name", s.ns},
                     {"state", env::to_string(s.state)},
                     {"scheduler", scheduler_value(s.schedule)},
                     {"workloads", std::move(workloads)},
                     {"lastAction", nullptr}};
  if (s.last) {
    out["lastAction"] = {{"action", s.last->action},
                         {"actor", s.last->actor},
                         {"source", s.last->source},
                         {"outcome", s.last->outcome},
                         {"time", s.last->time ? format_rfc3339(*s.last->time) : ""}};
  }
  if (s.external) out["aws"] = aws_json(*s.external);
  return out;
}

nlohmann::json to_json(const env::environment_summary& s) {
  nlohmann::json out{{"name", s.ns},
                     {"state", env::to_string(s.state)},
                     {"scheduler", scheduler_value(s.schedule)},
                     {"workloads", s.workloads}};
  if (!s.error.empty()) out["error"] = s.error;
  return out;
}

nlohmann::json to_json(const env::operation_report& r) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& i : r.items) {
    const char* outcome = i.outcome == env::item_outcome::ok ? (i.from == i.to ? "unchanged" : "changed")
                          : i.outcome == env::item_outcome::skipped ? "skipped"
                                                                    : "failed";
    items.push_back({{"kind", env::to_string(i.kind)},
                     {"name", i.name},
                     {"from", i.from},
                     {"to", i.to},
                     {"outcome", outcome},
                     {"message", i.message}});
  }
  nlohmann::json out{{"environment", r.ns},
                     {"action", env::to_string(r.action)},
                     {"ok", r.succeeded()},
                     {"counts", {{"changed", r.ok}, {"skipped", r.skipped}, {"failed", r.failed}}},
                     {"items", std::move(items)}};
  if (!r.warnings.empty()) out["warnings"] = r.warnings;
  if (!r.resources.empty()) {
    nlohmann::json resources = nlohmann::json::array();
    for (const auto& i : r.resources) {
      resources.push_back({{"kind", i.kind},
                           {"id", i.id},
                           {"type", i.type},
                           {"from", i.from_state},
                           {"to", i.to_state},
                           {"outcome", outcome_name(i.outcome)},
                           {"message", i.message}});
    }
    out["resources"] = std::move(resources);
  }
  return out;
}

nlohmann::json to_json(const schedule::shutdown_info& info) {
  auto when = [](const auto& t) { return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr); };
  return {{"time", when(info.at)},
          {"local", info.local},
          {"relative", info.relative},
          {"description", info.description},
          {"suspended", info.suspended},
          {"prolongedUntil", when(info.prolonged_until)},
          {"prolongedBy",
           info.prolonged_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.prolonged_by)}};
}

}  // namespace devenv::api
