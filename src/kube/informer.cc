#include "kube/informer.h"

#include <algorithm>
#include <random>
#include <thread>

namespace devenv::kube {

void run_informer(client& api, const std::string& path, const informer_handlers& handlers,
                  const std::atomic<bool>& stop, informer_options options) {
  if (!options.sleep) {
    options.sleep = [](std::chrono::milliseconds d, const std::atomic<bool>& stopping) {
      auto slice = std::chrono::milliseconds(50);
      for (auto left = d; left.count() > 0 && !stopping.load(); left -= slice) {
        std::this_thread::sleep_for(std::min(left, slice));
      }
    };
  }
  if (!options.random01) {
    options.random01 = [engine = std::mt19937_64(std::random_device{}())]() mutable {
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
  retry_options backoff;
  backoff.max_attempts = 1 << 30;  // an informer never gives up
  backoff.initial_backoff = options.initial_backoff;
  backoff.max_backoff = options.max_backoff;
  int failures = 0;
  auto back_off = [&](const error& e) {
    if (handlers.on_error) handlers.on_error(e);
    attempt_outcome outcome{attempt_outcome::kind::transport, 0, std::nullopt};
    auto delay = retry_delay(backoff, ++failures, outcome, true, options.random01());
    options.sleep(delay.value_or(options.max_backoff), stop);
  };

  while (!stop.load()) {
    list_options list_opts = options.selector;
    list_opts.continue_token.clear();
    auto listed = api.list_all(path, list_opts);
    if (!listed) {
      back_off(listed.error());
      continue;
    }
    std::string rv = (*listed)["metadata"].value("resourceVersion", "");
    if (handlers.on_snapshot) handlers.on_snapshot((*listed)["items"], rv);

    watch_options watch_opts{rv, options.selector.label_selector, options.selector.field_selector};
    while (!stop.load()) {
      auto ended = api.watch(
          path, watch_opts, handlers.on_event ? handlers.on_event : [](const watch_event&) {}, stop);
      if (!ended) {
        back_off(ended.error());
        break;  // relist: events may have been missed while failing
      }
      failures = 0;
      if (ended->why != watch_end::reason::closed) break;  // stopped, or expired: relist
      watch_opts.resource_version = ended->resource_version;
    }
  }
}

}  // namespace devenv::kube
