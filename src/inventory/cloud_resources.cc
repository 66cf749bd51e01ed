#include "inventory/cloud_resources.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>

namespace devenv::inventory {

using env::resource_item;
using env::resource_outcome;

cloud_resources::cloud_resources(cloud_api& api, cacher& cache, wait_options wait, clock_fn clock,
                                 sleep_fn sleep)
    : api_(api), cache_(cache), wait_(wait), clock_(std::move(clock)), sleep_(std::move(sleep)) {}

std::vector<resource_item> cloud_resources::stop(std::string_view ns) {
  return run(power_action::stop, ns);
}

std::vector<resource_item> cloud_resources::start(std::string_view ns) {
  auto items = run(power_action::start, ns);
  if (wait_.enabled) wait_until_ready(ns, items);
  return items;
}

std::vector<resource_item> cloud_resources::run(power_action action, std::string_view ns) {
  std::vector<resource> resources;
  std::string note;
  auto described = api_.describe(cache_.keys(), ns);
  if (described) {
    auto grouped = group_by_environment(std::move(*described), cache_.keys());
    if (auto it = grouped.find(std::string(ns)); it != grouped.end()) resources = std::move(it->second);
  } else {
    // Acting on the cached list is better than not acting: AWS answers per resource anyway.
    auto snap = cache_.current();
    const auto it = snap ? snap->envs.find(std::string(ns)) : environments::const_iterator{};
    if (!snap || it == snap->envs.end()) {
      return {resource_item{"", "", "", "", "", resource_outcome::failed,
                            "EC2/RDS not listed: " + described.error().message}};
    }
    resources = it->second;
    note = " (from the cached inventory: " + described.error().message + ")";
  }
  auto items = apply(action, plan_power(action, resources));
  if (!note.empty()) {
    for (auto& item : items) item.message += note;
  }
  return items;
}

std::vector<resource_item> cloud_resources::apply(power_action action, const std::vector<power_step>& steps) {
  const bool start = action == power_action::start;
  const std::string requested = start ? "start requested" : "stop requested";
  std::vector<resource_item> items;
  // The plan is ordered by kind; the resources of one kind go out in one call at their place in the order.
  std::size_t i = 0;
  while (i < steps.size()) {
    if (!steps[i].act) {
      items.push_back(to_item(steps[i].target, steps[i].outcome, "", steps[i].reason));
      ++i;
      continue;
    }
    const resource_kind kind = steps[i].target.kind;
    std::vector<const resource*> batch;
    for (; i < steps.size() && steps[i].act && steps[i].target.kind == kind; ++i)
      batch.push_back(&steps[i].target);
    std::vector<std::string> ids;
    for (const auto* r : batch) ids.push_back(r->id);
    std::map<std::string, change_outcome> outcomes;
    for (auto& o : api_.change(start, kind, ids)) outcomes[o.id] = std::move(o);
    for (const auto* r : batch) {
      auto it = outcomes.find(r->id);
      if (it == outcomes.end()) {
        items.push_back(to_item(*r, resource_outcome::failed, "", "AWS did not report on it"));
      } else if (!it->second.error.empty()) {
        items.push_back(to_item(*r, resource_outcome::failed, "", it->second.error));
      } else if (it->second.already) {
        items.push_back(
            to_item(*r, resource_outcome::skipped, it->second.state, "already " + it->second.state));
      } else {
        items.push_back(to_item(*r, resource_outcome::ok, it->second.state, requested));
      }
    }
  }
  return items;
}

void cloud_resources::wait_until_ready(std::string_view ns, std::vector<resource_item>& items) {
  std::map<std::pair<std::string, std::string>, resource_item*> pending;
  for (auto& item : items) {
    if (item.outcome == resource_outcome::ok) pending[{item.kind, item.id}] = &item;
  }
  if (pending.empty()) return;
  const auto deadline = clock_() + wait_.timeout;
  std::string last_error;
  while (true) {
    auto described = api_.describe(cache_.keys(), ns);
    if (described) {
      last_error.clear();
      for (const auto& r : *described) {
        auto it = pending.find({std::string(to_string(r.kind)), r.id});
        if (it == pending.end()) continue;
        it->second->to_state = r.state;
        if (classify(r.kind, r.state) == power::running) pending.erase(it);
      }
    } else {
      last_error = described.error().message;
    }
    if (pending.empty()) return;
    if (clock_() + wait_.interval > deadline) break;
    sleep_(std::chrono::duration_cast<std::chrono::milliseconds>(wait_.interval));
  }
  // The start was requested and AWS accepted it; not being ready in time is worth saying, not a failure.
  for (auto& [key, item] : pending) {
    item->message = fmt::format("start requested; still {} after {}s{}",
                                item->to_state.empty() ? "unknown" : item->to_state, wait_.timeout.count(),
                                last_error.empty() ? "" : " (" + last_error + ")");
  }
}

env::external_status cloud_resources::describe(std::string_view ns) {
  env::external_status out;
  const auto status = cache_.status();
  const auto snap = cache_.current();
  if (status.refreshed_at) {
    out.age = std::chrono::duration_cast<std::chrono::seconds>(clock_() - *status.refreshed_at);
  }
  out.stale = status.stale();
  out.error = status.last_error;
  if (snap) {
    if (auto it = snap->envs.find(std::string(ns)); it != snap->envs.end()) {
      for (const auto& r : it->second)
        out.resources.push_back({std::string(to_string(r.kind)), r.id, r.type, r.state});
    }
  }
  return out;
}

}  // namespace devenv::inventory
