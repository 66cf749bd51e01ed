// cacher: keeps the inventory of every environment's AWS resources. refresh() describes all tagged EC2
// instances and RDS instances/clusters (every page), groups them by environment and replaces the stored
// snapshot in one go. When AWS or the store fails, the last good snapshot stays in memory (and in the
// store) and the failure is reported through status(): its age keeps growing and `last_error` says why, so
// status answers and the devenv_inventory_age_seconds gauge show staleness instead of a crash.
//
// Time comes from an injected clock (tests use a fake one). Thread-safe: refresh() may run on a timer
// thread while request threads call current()/status(); snapshots are shared immutable values.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/error.h"
#include "inventory/cloud_api.h"
#include "inventory/inventory_store.h"
#include "inventory/resource.h"

namespace devenv::inventory {

using clock_fn = std::function<time_point()>;

struct cacher_status {
  std::optional<time_point> refreshed_at;  // of the snapshot held; nullopt: never refreshed
  std::optional<time_point> last_attempt;
  std::string last_error;  // empty when the last attempt succeeded
  std::size_t resources = 0;
  int consecutive_failures = 0;

  bool stale() const { return !last_error.empty(); }
  // Seconds since refreshed_at; negative when never refreshed (the gauge reads -1 then).
  double age_seconds(time_point now) const;
};

class cacher {
 public:
  // `api` and `store` must outlive the cacher.
  cacher(cloud_api& api, inventory_store& store, tag_keys keys, clock_fn clock);

  // Loads what the store holds (a restarted process starts from its last good inventory). A store error is
  // returned and recorded; the cacher stays usable.
  result<void> load();
  // One refresh; the number of resources stored. Never throws.
  result<std::size_t> refresh();

  std::shared_ptr<const snapshot> current() const;  // null before the first load/refresh succeeded
  cacher_status status() const;
  double age_seconds() const;  // for the gauge, from the injected clock
  const tag_keys& keys() const { return keys_; }

 private:
  result<std::size_t> refresh_once();
  void record_failure(time_point now, const error& e);

  cloud_api& api_;
  inventory_store& store_;
  tag_keys keys_;
  clock_fn clock_;
  mutable std::mutex mutex_;
  std::shared_ptr<const snapshot> current_;
  cacher_status status_;
};

}  // namespace devenv::inventory
