#include "notify/warning_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "env/status.h"
#include "notify/notice_render.h"

namespace devenv::notify {

namespace {

std::string annotation_of(const env::namespace_info& ns, std::string_view key) {
  const auto it = ns.annotations.find(std::string(key));
  return it == ns.annotations.end() ? std::string() : it->second;
}

nlohmann::json annotation_patch(const std::string& value, const std::string& resource_version) {
  nlohmann::json patch;
  patch["metadata"]["annotations"][std::string(schedule::notified_annotation)] =
      value.empty() ? nlohmann::json(nullptr) : nlohmann::json(value);
  patch["metadata"]["resourceVersion"] = resource_version;
  return patch;
}

}  // namespace

warning_runner::warning_runner(env::workload_store& namespaces, schedule::cronjob_manager& schedules,
                               const slack::web_api_client& slack, runner_options options)
    : namespaces_(namespaces), schedules_(schedules), slack_(slack), options_(std::move(options)) {
  if (!options_.is_leader) options_.is_leader = [] { return true; };
  if (!options_.sleep_until) {
    options_.sleep_until = [now = options_.now](time_point until, const std::atomic<bool>& stopping) {
      while (!stopping.load()) {
        const auto left = until - now();
        if (left <= std::chrono::system_clock::duration::zero()) return;
        std::this_thread::sleep_for(
            std::min<std::chrono::system_clock::duration>(left, std::chrono::seconds(1)));
      }
    };
  }
}

result<std::vector<environment_view>> warning_runner::observe(time_point now) {
  auto all = namespaces_.list_namespaces();
  if (!all) return tl::unexpected(all.error());
  auto cronjobs = schedules_.read_all();
  if (!cronjobs) return tl::unexpected(cronjobs.error());
  std::vector<environment_view> out;
  for (const auto& ns : *all) {
    // Only managed environments: not protected and carrying our CronJob.
    if (!ns.exists || options_.protection.is_protected(ns.name)) continue;
    const auto cronjob = cronjobs->find(ns.name);
    if (cronjob == cronjobs->end()) continue;
    environment_view v;
    v.ns = ns.name;
    v.channel = annotation_of(ns, slack_channel_annotation);
    v.owner = annotation_of(ns, owner_annotation);
    v.stopped = annotation_of(ns, env::state_annotation) == "stopped";
    v.notified = annotation_of(ns, schedule::notified_annotation);
    v.resource_version = ns.resource_version;
    if (const auto last = annotation_of(ns, env::last_action_annotation); !last.empty()) {
      v.last = env::parse_last_action(last);
    }
    if (!v.stopped && !cronjob->second.suspend) {
      v.next_shutdown = schedules_.describe(cronjob->second, schedule::env_state::running, now).at;
    }
    out.push_back(std::move(v));
  }
  return out;
}

bool warning_runner::claim(const notice_item& item, tick_report& report) {
  auto written =
      namespaces_.patch_namespace(item.ns, annotation_patch(item.annotation, item.resource_version));
  if (written) return true;
  if (written.error().code == errc::conflict) {
    // Someone wrote the namespace since we read it (another replica's claim, a stop, a label): the next
    // tick re-reads and re-plans.
    report.lost.push_back(item.ns);
  } else {
    report.errors.push_back(item.ns + ": recording the notice failed: " + written.error().message);
  }
  return false;
}

void warning_runner::release(const notice_item& item, tick_report& report) {
  // Put the previous record back, but only over our own claim: a newer record (a prolongation's fresh
  // series) must not be overwritten.
  auto current = namespaces_.get_namespace(item.ns);
  if (!current || !current->exists) return;
  const auto it = current->annotations.find(std::string(schedule::notified_annotation));
  if (it == current->annotations.end() || it->second != item.annotation) return;
  auto restored =
      namespaces_.patch_namespace(item.ns, annotation_patch(item.previous, current->resource_version));
  if (!restored) {
    report.errors.push_back(item.ns + ": could not withdraw the notice record: " + restored.error().message);
  }
}

void warning_runner::pace(const std::string& channel) {
  const auto it = last_post_.find(channel);
  if (it == last_post_.end()) return;
  const auto allowed = it->second + options_.channel_interval;
  if (options_.now() < allowed) {
    const std::atomic<bool> never{false};
    options_.sleep_until(allowed, never);
  }
}

tick_report warning_runner::run_once() {
  tick_report report;
  if (!options_.is_leader()) {
    report.leader = false;
    return report;
  }
  const auto now = options_.now();
  auto views = observe(now);
  if (!views) {
    report.errors.push_back("reading environments failed: " + views.error().message);
    return report;
  }
  const auto plan = plan_notices(*views, options_.notices, now);
  report.wake_at = plan.wake_at;
  for (const auto& s : plan.skipped) spdlog::debug("notify: {}", s);
  const auto* zone = schedules_.settings().schedule.zone;

  for (const auto& notice : plan.notices) {
    if (!options_.is_leader()) {
      report.leader = false;
      break;
    }
    planned_notice claimed = notice;
    claimed.items.clear();
    for (const auto& item : notice.items) {
      if (claim(item, report)) claimed.items.push_back(item);
    }
    if (claimed.items.empty()) continue;
    pace(claimed.channel);
    const auto message = render_notice(claimed, zone);
    auto posted = slack_.post_message(claimed.channel, message);
    last_post_[claimed.channel] = options_.now();
    if (!posted) {
      report.errors.push_back("posting to " + claimed.channel + " failed: " + posted.error().message);
      for (const auto& item : claimed.items) release(item, report);
      continue;
    }
    sent_notice sent{claimed.kind, claimed.channel, {}, claimed.remaining, *posted};
    for (const auto& item : claimed.items) sent.namespaces.push_back(item.ns);
    report.sent.push_back(std::move(sent));
  }
  return report;
}

void warning_runner::run(const std::atomic<bool>& stop,
                         const std::function<void(const tick_report&)>& on_tick) {
  while (!stop.load()) {
    tick_report report;
    try {
      report = run_once();
    } catch (const std::exception& e) {
      report.errors.push_back(std::string("tick failed: ") + e.what());
    }
    for (const auto& s : report.sent) {
      spdlog::info("notify: {} to {} for {} ({})", s.kind == notice_kind::warning ? "warning" : "after-stop",
                   s.channel, fmt::join(s.namespaces, ", "), s.ts);
    }
    for (const auto& e : report.errors) spdlog::warn("notify: {}", e);
    if (on_tick) on_tick(report);
    if (stop.load()) break;
    const auto now = options_.now();
    auto next = now + options_.poll_interval;
    if (report.wake_at && *report.wake_at < next) next = std::max(*report.wake_at, now);
    options_.sleep_until(next, stop);
  }
}

}  // namespace devenv::notify
