#include "env/environment_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <variant>

namespace devenv::env {
namespace {

// Runs fn(0..count-1) on at most `width` threads (the caller's included) and returns when all are done.
// fn must not throw; callers wrap their work in a catch-all so one bad item cannot terminate the process.
template <class Fn>
void parallel_for(std::size_t count, int width, Fn&& fn) {
  const std::size_t threads = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(width, 1)));
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) fn(i);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
}

item_report from_skip(const plan_skip& skip) {
  item_report item{skip.kind,
                   skip.name,
                   skip.replicas,
                   skip.replicas,
                   is_failure(skip.reason) ? item_outcome::failed : item_outcome::skipped,
                   std::string(to_string(skip.reason))};
  if (!skip.detail.empty()) item.message += ": " + skip.detail;
  return item;
}

std::string describe(const plan_step& step) {
  switch (step.annotation) {
    case annotation_change::set:
      return fmt::format("scaled {} -> {}, saved {}", step.from_replicas, step.target_replicas,
                         step.saved_value);
    case annotation_change::remove:
      return fmt::format("scaled {} -> {}, saved count restored", step.from_replicas, step.target_replicas);
    case annotation_change::none:
      break;
  }
  return fmt::format("scaled {} -> {}, kept the saved count", step.from_replicas, step.target_replicas);
}

std::string_view target_state(env_action action) {
  return action == env_action::stop ? "stopped" : "running";
}

std::string outcome_of(const operation_report& report) {
  if (report.failed == 0) return "ok";
  return report.ok > 0 ? "partial" : "failed";
}

void count_resources(operation_report& report) {
  for (const auto& r : report.resources) {
    switch (r.outcome) {
      case resource_outcome::ok:
        ++report.ok;
        break;
      case resource_outcome::skipped:
        ++report.skipped;
        break;
      case resource_outcome::failed:
        ++report.failed;
        spdlog::warn("{} {}: {} {} failed: {}", to_string(report.action), report.ns, r.kind, r.id, r.message);
        break;
    }
  }
}

std::string event_message(const operation_report& report, const action_origin& origin) {
  std::string message = fmt::format("{} by {} ({}): {} changed, {} skipped, {} failed",
                                    to_string(report.action), origin.actor.empty() ? "unknown" : origin.actor,
                                    origin.source.empty() ? "unknown" : origin.source, report.ok,
                                    report.skipped, report.failed);
  // Events are meant to be short; name a few failures and point at status for the rest.
  constexpr int max_named = 3;
  int named = 0;
  for (const auto& item : report.items) {
    if (item.outcome != item_outcome::failed) continue;
    if (named++ == max_named) {
      message += "; ...";
      break;
    }
    message += fmt::format("; {}/{}: {}", to_string(item.kind), item.name, item.message);
  }
  for (const auto& r : report.resources) {
    if (r.outcome != resource_outcome::failed || named > max_named) continue;
    if (named++ == max_named) {
      message += "; ...";
      break;
    }
    message += fmt::format("; {} {}: {}", r.kind, r.id, r.message);
  }
  return message;
}

}  // namespace

std::string_view to_string(item_outcome outcome) {
  switch (outcome) {
    case item_outcome::ok:
      return "ok";
    case item_outcome::skipped:
      return "skipped";
    case item_outcome::failed:
      return "failed";
  }
  return "unknown";
}

environment_service::environment_service(workload_store& store, wall_clock clock, service_options options,
                                         operation_observer observer)
    : store_(store),
      clock_(std::move(clock)),
      options_(std::move(options)),
      observer_(std::move(observer)),
      protection_(options_.protected_globs, options_.own_namespace) {}

result<operation_report> environment_service::stop(std::string_view ns, const action_origin& origin) {
  return run(env_action::stop, ns, origin);
}

result<operation_report> environment_service::start(std::string_view ns, const action_origin& origin) {
  return run(env_action::start, ns, origin);
}

result<operation_report> environment_service::run(env_action action, std::string_view ns,
                                                  const action_origin& origin) {
  auto outcome = execute(action, ns, origin);
  if (!outcome) {
    spdlog::warn("{} {}: {} ({})", to_string(action), ns.substr(0, 64), outcome.error().message,
                 devenv::to_string(outcome.error().code));
  }
  if (observer_) observer_(action, outcome);
  return outcome;
}

result<operation_report> environment_service::execute(env_action action, std::string_view ns,
                                                      const action_origin& origin) {
  if (auto allowed = protection_.check(ns); !allowed) return tl::unexpected(allowed.error());
  auto info = store_.get_namespace(ns);
  if (!info) return tl::unexpected(info.error());
  if (!info->exists) return fail(errc::not_found, fmt::format("namespace '{}' does not exist", ns));
  auto workloads = store_.list_workloads(ns);
  if (!workloads) return tl::unexpected(workloads.error());

  const plan p = make_plan(action, *workloads);
  operation_report report;
  report.ns = std::string(ns);
  report.action = action;
  // Databases and machines come up before the pods that use them and go down after them.
  std::optional<std::string> state_before_start;
  if (options_.external && action == env_action::start) {
    // Bringing databases up can take minutes (waiting for RDS to be available). Meanwhile the namespace says
    // "starting", so the RDS guard, which acts only where a stop was recorded as completed, keeps out.
    const auto it = info->annotations.find(std::string(state_annotation));
    state_before_start = it != info->annotations.end() ? it->second : std::string();
    const auto error = write_annotations(ns, {{std::string(state_annotation), "starting"}});
    if (!error.empty()) spdlog::warn("start {}: cannot mark it starting: {}", ns, error);
    report.resources = act_on_external(action, ns);
  }
  for (const auto& group : p.groups) {
    std::vector<item_report> results(group.size());
    parallel_for(group.size(), options_.max_concurrency, [&](std::size_t i) {
      try {
        results[i] = apply_step(action, ns, group[i]);
      } catch (const std::exception& e) {
        // The store contract is "no exceptions"; if one escapes anyway it is a bug, reported per item.
        results[i] = item_report{group[i].kind,          group[i].name,
                                 group[i].from_replicas, group[i].from_replicas,
                                 item_outcome::failed,   fmt::format("internal error: {}", e.what())};
      } catch (...) {
        results[i] =
            item_report{group[i].kind,          group[i].name,        group[i].from_replicas,
                        group[i].from_replicas, item_outcome::failed, "internal error: unknown exception"};
      }
    });
    for (auto& item : results) report.items.push_back(std::move(item));
  }
  for (const auto& skip : p.skipped) report.items.push_back(from_skip(skip));
  if (options_.external && action == env_action::stop) report.resources = act_on_external(action, ns);
  count_resources(report);
  for (const auto& item : report.items) {
    switch (item.outcome) {
      case item_outcome::ok:
        ++report.ok;
        break;
      case item_outcome::skipped:
        ++report.skipped;
        break;
      case item_outcome::failed:
        ++report.failed;
        spdlog::warn("{} {}: {}/{} failed: {}", to_string(action), ns, to_string(item.kind), item.name,
                     item.message);
        break;
    }
  }
  report.warnings = record(report, origin, state_before_start);
  return report;
}

std::vector<resource_item> environment_service::act_on_external(env_action action, std::string_view ns) {
  try {
    return action == env_action::stop ? options_.external->stop(ns) : options_.external->start(ns);
  } catch (const std::exception& e) {
    // The contract is "no exceptions"; one escaping is a bug, reported as a failed item, never a crash.
    return {resource_item{"", "", "", "", "", resource_outcome::failed,
                          fmt::format("internal error: {}", e.what())}};
  } catch (...) {
    return {resource_item{"", "", "", "", "", resource_outcome::failed, "internal error: unknown exception"}};
  }
}

item_report environment_service::apply_step(env_action action, std::string_view ns, plan_step step) {
  const int original_from = step.from_replicas;
  // Anything but a successful PATCH leaves the workload as it was first seen.
  auto unchanged = [&](item_outcome outcome, std::string message) {
    return item_report{step.kind, step.name, original_from, original_from, outcome, std::move(message)};
  };
  for (int conflicts = 0;; ++conflicts) {
    auto patched = store_.patch_workload(step.kind, ns, step.name, build_patch(step));
    if (patched) {
      return item_report{step.kind,        step.name,     step.from_replicas, step.target_replicas,
                         item_outcome::ok, describe(step)};
    }
    const error& e = patched.error();
    if (e.code == errc::not_found) return unchanged(item_outcome::skipped, "deleted while the action ran");
    if (e.code != errc::conflict) return unchanged(item_outcome::failed, e.message);
    if (conflicts >= options_.max_conflict_retries) {
      return unchanged(item_outcome::failed,
                       fmt::format("still conflicting after {} re-reads: {}", conflicts, e.message));
    }
    // Someone else changed the workload since it was read: plan again from what is there now.
    auto fresh = store_.get_workload(step.kind, ns, step.name);
    if (!fresh) {
      if (fresh.error().code == errc::not_found) {
        return unchanged(item_outcome::skipped, "deleted while the action ran");
      }
      return unchanged(item_outcome::failed, fresh.error().message);
    }
    auto next = decide(action, *fresh);
    if (auto* skip = std::get_if<plan_skip>(&next)) return from_skip(*skip);
    step = std::get<plan_step>(std::move(next));
  }
}

std::string environment_service::write_annotations(std::string_view ns, const nlohmann::json& annotations) {
  // The namespace patch carries the resourceVersion it was read at, like every write (DESIGN.md section 2);
  // on 409 the namespace is read again. Only our own keys are written, so a retry loses nothing.
  std::string last_error;
  for (int attempt = 0; attempt <= options_.max_conflict_retries; ++attempt) {
    auto info = store_.get_namespace(ns);
    if (!info) return info.error().message;
    nlohmann::json patch = {{"metadata", {{"annotations", annotations}}}};
    if (!info->resource_version.empty()) patch["metadata"]["resourceVersion"] = info->resource_version;
    auto patched = store_.patch_namespace(ns, patch);
    if (patched) return {};
    last_error = patched.error().message;
    if (patched.error().code != errc::conflict) break;
  }
  return last_error;
}

std::vector<std::string> environment_service::record(const operation_report& report,
                                                     const action_origin& origin,
                                                     const std::optional<std::string>& state_before_start) {
  std::vector<std::string> warnings;
  const auto now = clock_();
  const bool took_effect = report.ok > 0 || report.failed == 0;
  last_action action{std::string(to_string(report.action)), origin.actor, origin.source, outcome_of(report),
                     now};

  nlohmann::json annotations = {{std::string(last_action_annotation), format_last_action(action)}};
  if (took_effect) {
    annotations[std::string(state_annotation)] = std::string(target_state(report.action));
  } else if (state_before_start) {
    // A start that changed nothing leaves the state as it found it, not "starting".
    annotations[std::string(state_annotation)] =
        state_before_start->empty() ? nlohmann::json(nullptr) : nlohmann::json(*state_before_start);
  }
  if (const auto error = write_annotations(report.ns, annotations); !error.empty()) {
    warnings.push_back("namespace annotations not written: " + error);
  }

  event_record event;
  event.type = report.failed == 0 ? event_type::normal : event_type::warning;
  event.reason = report.failed > 0                   ? "DevenvPartialFailure"
                 : report.action == env_action::stop ? "DevenvStopped"
                                                     : "DevenvStarted";
  event.message = event_message(report, origin);
  event.time = now;
  if (auto created = store_.create_event(report.ns, event); !created) {
    warnings.push_back("event not created: " + created.error().message);
  }
  for (const auto& w : warnings) spdlog::warn("{} {}: {}", to_string(report.action), report.ns, w);
  return warnings;
}

result<environment_status> environment_service::status(std::string_view ns) {
  if (auto valid = validate_namespace_name(ns); !valid) return tl::unexpected(valid.error());
  if (protection_.is_protected(ns)) {
    environment_status out;
    out.ns = std::string(ns);
    out.state = env_state::not_managed;
    return out;
  }
  auto info = store_.get_namespace(ns);
  if (!info) return tl::unexpected(info.error());
  if (!info->exists) {
    environment_status out;
    out.ns = std::string(ns);
    out.state = env_state::not_found;
    return out;
  }
  auto workloads = store_.list_workloads(ns);
  if (!workloads) return tl::unexpected(workloads.error());
  auto out = make_status(*info, false, *workloads, options_.schedule_label_key);
  add_external(out);
  return out;
}

namespace {

// The managed namespaces, sorted by name.
std::vector<namespace_info> managed_only(std::vector<namespace_info> all, const protection_policy& protection) {
  std::vector<namespace_info> managed;
  for (auto& info : all) {
    if (!protection.is_protected(info.name)) managed.push_back(std::move(info));
  }
  std::sort(managed.begin(), managed.end(),
            [](const namespace_info& a, const namespace_info& b) { return a.name < b.name; });
  return managed;
}

// A namespace without any workload is simply absent from the cluster-wide lists.
const result<std::vector<workload>>& workloads_of(const workloads_by_namespace& all, const std::string& ns) {
  static const result<std::vector<workload>> none = std::vector<workload>{};
  const auto it = all.find(ns);
  return it == all.end() ? none : it->second;
}

// Every managed namespace and every workload of the cluster, in three reads of the API (namespaces, then all
// Deployments and StatefulSets) however many environments there are: list() and statuses() are polled
// (dashboard, REST list), and per-namespace reads would cost 1 + 2N calls against the client's rate limit,
// which the nightly stops need.
struct cluster_view {
  std::vector<namespace_info> managed;  // sorted by name
  workloads_by_namespace workloads;
};

result<cluster_view> read_cluster(workload_store& store, const protection_policy& protection) {
  auto namespaces = store.list_namespaces();
  if (!namespaces) return tl::unexpected(namespaces.error());
  auto workloads = store.list_all_workloads();
  if (!workloads) return tl::unexpected(workloads.error());
  return cluster_view{managed_only(std::move(*namespaces), protection), std::move(*workloads)};
}

}  // namespace

result<std::vector<environment_summary>> environment_service::list() {
  auto cluster = read_cluster(store_, protection_);
  if (!cluster) return tl::unexpected(cluster.error());
  std::vector<environment_summary> out;
  for (const auto& info : cluster->managed) {
    environment_summary summary;
    summary.ns = info.name;
    summary.schedule = read_schedule_label(info.labels, options_.schedule_label_key);
    if (auto it = info.annotations.find(std::string(state_annotation)); it != info.annotations.end()) {
      summary.recorded_state = it->second;
    }
    const auto& listed = workloads_of(cluster->workloads, info.name);
    if (listed) {
      summary.workloads = static_cast<int>(listed->size());
      summary.state = derive_state(info, false, *listed);
    } else {
      summary.error = listed.error().message;
    }
    out.push_back(std::move(summary));
  }
  return out;
}

result<std::vector<status_entry>> environment_service::statuses() {
  auto cluster = read_cluster(store_, protection_);
  if (!cluster) return tl::unexpected(cluster.error());
  std::vector<status_entry> out;
  for (const auto& info : cluster->managed) {
    const auto& listed = workloads_of(cluster->workloads, info.name);
    if (!listed) {
      out.push_back({info.name, tl::unexpected(listed.error())});
      continue;
    }
    auto status = make_status(info, false, *listed, options_.schedule_label_key);
    add_external(status);
    out.push_back({info.name, std::move(status)});
  }
  return out;
}

void environment_service::add_external(environment_status& status) {
  if (!options_.external) return;
  try {
    status.external = options_.external->describe(status.ns);
  } catch (const std::exception& e) {
    status.external = external_status{{}, std::nullopt, true, fmt::format("internal error: {}", e.what())};
  }
}

}  // namespace devenv::env
