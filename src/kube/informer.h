// A small list-then-watch loop (client-go's reflector, minus the cache): list a collection, hand the full
// snapshot to the caller, watch from the list's resourceVersion, re-watch when the server closes the stream,
// and relist on 410 Gone or after an error (with jittered backoff). Runs on the calling thread until `stop`.
// The handlers run on that thread; the loop itself holds no shared state.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "kube/client.h"

namespace devenv::kube {

struct informer_handlers {
  // The complete current state (items of the collection) after every (re)list. Events that happened between
  // the previous snapshot and this one are not replayed: treat this as "replace everything".
  std::function<void(const json& items, const std::string& resource_version)> on_snapshot;
  std::function<void(const watch_event& event)> on_event;
  std::function<void(const error& e)> on_error;  // optional: list/watch failures before the backoff
};

struct informer_options {
  list_options selector;  // label/field selector for both list and watch; limit pages the list
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  // Waits between attempts; must return early once stop is set. Default: sleeps in 50 ms slices.
  std::function<void(std::chrono::milliseconds, const std::atomic<bool>& stop)> sleep;
  std::function<double()> random01;  // default: a PRNG
};

// Returns when stop becomes true.
void run_informer(client& api, const std::string& path, const informer_handlers& handlers,
                  const std::atomic<bool>& stop, informer_options options = {});

}  // namespace devenv::kube
