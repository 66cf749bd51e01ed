#include "notify/notice_plan.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "core/rfc3339.h"

namespace devenv::notify {

using namespace std::chrono;

std::optional<time_point> parse_stop_noticed(std::string_view annotation) {
  try {
    const auto j = nlohmann::json::parse(annotation);
    if (!j.is_object()) return std::nullopt;
    const auto s = j.find("stopped");
    if (s == j.end() || !s->is_string()) return std::nullopt;
    return parse_rfc3339(s->get<std::string>());
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string notified_annotation(const schedule::notified_record& record, std::optional<time_point> stopped) {
  auto j = nlohmann::json::parse(schedule::to_annotation(record));
  if (stopped) j["stopped"] = format_rfc3339(*stopped);
  return j.dump();
}

bool is_scheduled_stop(const env::last_action& last, std::string_view ns, std::string_view service_account) {
  if (last.action != "stop" || last.outcome == "failed") return false;
  // The REST API records a service-account caller as "api:system:serviceaccount:<ns>:<sa>".
  const std::string principal =
      "system:serviceaccount:" + std::string(ns) + ":" + std::string(service_account);
  const auto at = last.actor.find(principal);
  return at != std::string::npos && at + principal.size() == last.actor.size();
}

notice_plan plan_notices(const std::vector<environment_view>& environments, const notice_options& options,
                         time_point now) {
  notice_plan plan;
  // (kind, channel, T) → items; std::map keeps the output order deterministic.
  std::map<std::tuple<int, std::string, time_point>, planned_notice> groups;
  auto wake = [&](time_point t) {
    if (!plan.wake_at || t < *plan.wake_at) plan.wake_at = t;
  };

  for (const auto& e : environments) {
    const std::string channel = e.channel.empty() ? options.default_channel : e.channel;
    const auto record = schedule::parse_notified(e.notified);
    const auto stop_noticed = parse_stop_noticed(e.notified);

    if (e.stopped) {
      // After-stop: the scheduled stop ran at or after the T we were counting down to (or, with nothing
      // counted down, recently), and its message was not sent yet.
      if (!e.last || !e.last->time || !is_scheduled_stop(*e.last, e.ns, options.service_account)) continue;
      const auto stopped_at = *e.last->time;
      if (stop_noticed && *stop_noticed == stopped_at) continue;
      if (record.shutdown && stopped_at + options.stop_skew < *record.shutdown) continue;
      if (now - stopped_at > options.stop_notice_window) continue;
      if (channel.empty()) {
        plan.skipped.push_back(e.ns + ": no Slack channel for the after-stop message");
        continue;
      }
      auto& n = groups[{1, channel, time_point{}}];
      n.kind = notice_kind::stopped;
      n.channel = channel;
      n.shutdown = std::max(n.shutdown, record.shutdown.value_or(stopped_at));
      n.items.push_back(
          {e.ns, e.owner, notified_annotation(record, stopped_at), e.notified, e.resource_version});
      continue;
    }

    const auto decision = schedule::decide_warning(options.offsets, e.next_shutdown, record, now);
    if (decision.wake_at && *decision.wake_at > now) wake(*decision.wake_at);
    if (!decision.send) continue;
    if (channel.empty()) {
      plan.skipped.push_back(e.ns + ": no Slack channel for the shutdown warning");
      continue;
    }
    auto& n = groups[{0, channel, *e.next_shutdown}];
    n.kind = notice_kind::warning;
    n.channel = channel;
    n.shutdown = *e.next_shutdown;
    n.remaining = *decision.send;
    n.items.push_back(
        {e.ns, e.owner, notified_annotation(decision.record, stop_noticed), e.notified, e.resource_version});
  }

  for (auto& [key, n] : groups) {
    std::sort(n.items.begin(), n.items.end(), [](const auto& a, const auto& b) { return a.ns < b.ns; });
    plan.notices.push_back(std::move(n));
  }
  return plan;
}

}  // namespace devenv::notify
