#include "env/status.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/rfc3339.h"

namespace devenv::env {

std::string_view to_string(schedule_mode mode) {
  return mode == schedule_mode::scheduled ? "scheduled" : "suspended";
}

schedule_label read_schedule_label(const std::map<std::string, std::string>& labels, std::string_view key) {
  schedule_label out;
  auto it = labels.find(std::string(key));
  if (it == labels.end()) return out;
  out.value = it->second;
  if (out.value == "enabled") return out;
  out.mode = schedule_mode::suspended;
  out.unexpected = out.value != "disabled";
  return out;
}

env_state derive_state(const namespace_info& ns, bool is_protected, const std::vector<workload>& workloads) {
  if (!ns.exists) return env_state::not_found;
  if (is_protected) return env_state::not_managed;

  int considered = 0, wanting = 0, held = 0, not_ready = 0, draining = 0;
  for (const auto& w : workloads) {
    if (w.excluded) continue;
    ++considered;
    if (w.replicas > 0) {
      ++wanting;
      if (w.ready_replicas < w.replicas || !w.status_current) ++not_ready;
    } else {
      if (w.saved_replicas.value_or(0) > 0) ++held;
      if (w.ready_replicas > 0) ++draining;
    }
  }
  if (considered == 0) {
    auto it = ns.annotations.find(std::string(state_annotation));
    return it != ns.annotations.end() && it->second == "stopped" ? env_state::stopped : env_state::running;
  }
  if (wanting == 0) return draining > 0 ? env_state::partly_running : env_state::stopped;
  if (held > 0) return env_state::partly_running;
  return not_ready > 0 ? env_state::starting : env_state::running;
}

environment_status make_status(const namespace_info& ns, bool is_protected,
                               const std::vector<workload>& workloads, std::string_view schedule_label_key) {
  environment_status out;
  out.ns = ns.name;
  out.state = derive_state(ns, is_protected, workloads);
  if (!ns.exists || is_protected) return out;
  out.schedule = read_schedule_label(ns.labels, schedule_label_key);
  if (auto it = ns.annotations.find(std::string(state_annotation)); it != ns.annotations.end()) {
    out.recorded_state = it->second;
  }
  if (auto it = ns.annotations.find(std::string(last_action_annotation)); it != ns.annotations.end()) {
    out.last = parse_last_action(it->second);
  }
  for (const auto& w : workloads) {
    out.workloads.push_back(workload_status{
        w.kind, w.name, w.replicas, w.ready_replicas, w.saved_replicas, w.excluded,
        w.saved_annotation_invalid, w.saved_annotation_invalid ? w.saved_annotation_raw : std::string{}});
  }
  std::sort(out.workloads.begin(), out.workloads.end(),
            [](const workload_status& a, const workload_status& b) {
              if (a.kind != b.kind) return a.kind < b.kind;
              return a.name < b.name;
            });
  return out;
}

std::optional<last_action> parse_last_action(std::string_view text) {
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return std::nullopt;
  auto text_field = [&](const char* key) -> std::string {
    auto it = parsed.find(key);
    return it != parsed.end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  last_action out;
  out.action = text_field("action");
  out.actor = text_field("actor");
  out.source = text_field("source");
  out.outcome = text_field("outcome");
  if (auto time = text_field("time"); !time.empty()) out.time = parse_rfc3339(time);
  return out;
}

std::string format_last_action(const last_action& action) {
  nlohmann::json j = {{"action", action.action},
                      {"actor", action.actor},
                      {"source", action.source},
                      {"outcome", action.outcome}};
  if (action.time) j["time"] = format_rfc3339(*action.time);
  // Actor names come from Slack and HTTP headers; invalid UTF-8 must not turn into an exception here.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace devenv::env
