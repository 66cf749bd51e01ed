#include "schedule/kube_namespace_reconciler.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "kube/informer.h"
#include "kube/paths.h"

namespace devenv::schedule {

namespace {

void sliced_sleep(std::chrono::milliseconds total, const std::atomic<bool>& stop) {
  const auto slice = std::chrono::milliseconds(50);
  for (auto left = total; left.count() > 0 && !stop.load(); left -= slice) {
    std::this_thread::sleep_for(std::min(left, slice));
  }
}

}  // namespace

namespace_reconciler::namespace_reconciler(kube::client& api, cronjob_manager& manager,
                                           reconciler_options options)
    : api_(api), manager_(manager), options_(std::move(options)) {
  if (!options_.sleep) options_.sleep = sliced_sleep;
}

result<converge_result> namespace_reconciler::converge_object(const kube::json& namespace_object,
                                                              std::chrono::system_clock::time_point now) {
  auto outcome = manager_.converge_namespace(namespace_object, now);
  const std::string ns = namespace_object.value(kube::json::json_pointer("/metadata/name"), std::string());
  if (!outcome) {
    spdlog::warn("reconciler: CronJob of {}: {}", ns, outcome.error().message);
  } else if (outcome->action == converge_action::created || outcome->action == converge_action::patched) {
    spdlog::info("reconciler: CronJob of {} {}", ns, to_string(outcome->action));
  }
  if (options_.on_converged) options_.on_converged(ns, outcome);
  return outcome;
}

result<resync_summary> namespace_reconciler::resync_once(std::chrono::system_clock::time_point now) {
  kube::list_options options;
  options.limit = 500;
  auto list = api_.list_all(kube::collection_path(kube::resource::namespaces), options);
  if (!list) return tl::unexpected(list.error());
  resync_summary summary;
  for (const auto& item : list->value("items", kube::json::array())) {
    ++summary.namespaces;
    auto outcome = converge_object(item, now);
    if (!outcome) {
      ++summary.failed;
    } else if (outcome->action == converge_action::created || outcome->action == converge_action::patched) {
      ++summary.changed;
    }
  }
  return summary;
}

void namespace_reconciler::run(const std::atomic<bool>& stop) {
  auto now = options_.now;
  kube::informer_handlers handlers;
  handlers.on_snapshot = [this, now](const kube::json& items, const std::string&) {
    for (const auto& item : items) {
      try {
        converge_object(item, now());
      } catch (const std::exception& e) {
        spdlog::error("reconciler: unexpected exception: {}", e.what());
      }
    }
  };
  handlers.on_event = [this, now](const kube::watch_event& event) {
    if (event.type != "ADDED" && event.type != "MODIFIED") return;
    try {
      converge_object(event.object, now());
    } catch (const std::exception& e) {
      spdlog::error("reconciler: unexpected exception: {}", e.what());
    }
  };
  handlers.on_error = [](const error& e) { spdlog::warn("reconciler: namespace watch: {}", e.message); };
  std::thread informer([&] {
    try {
      kube::run_informer(api_, kube::collection_path(kube::resource::namespaces), handlers, stop);
    } catch (const std::exception& e) {
      spdlog::error("reconciler: informer ended: {}", e.what());
    }
  });
  while (!stop.load()) {
    options_.sleep(std::chrono::duration_cast<std::chrono::milliseconds>(options_.resync_interval), stop);
    if (stop.load()) break;
    try {
      if (auto summary = resync_once(now()); !summary)
        spdlog::warn("reconciler: resync: {}", summary.error().message);
    } catch (const std::exception& e) {
      spdlog::error("reconciler: resync: unexpected exception: {}", e.what());
    }
  }
  informer.join();
}

}  // namespace devenv::schedule
