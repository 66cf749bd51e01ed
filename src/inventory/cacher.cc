#include "inventory/cacher.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <exception>

namespace devenv::inventory {

double cacher_status::age_seconds(time_point now) const {
  if (!refreshed_at) return -1;
  return std::chrono::duration<double>(now - *refreshed_at).count();
}

cacher::cacher(cloud_api& api, inventory_store& store, tag_keys keys, clock_fn clock)
    : api_(api), store_(store), keys_(std::move(keys)), clock_(std::move(clock)) {}

result<void> cacher::load() {
  auto loaded = store_.load();
  std::lock_guard lock(mutex_);
  if (!loaded) {
    status_.last_error = "loading the stored inventory: " + loaded.error().message;
    return tl::unexpected(loaded.error());
  }
  if (*loaded && !current_) {
    status_.refreshed_at = (*loaded)->refreshed_at;
    status_.resources = (*loaded)->size();
    current_ = std::make_shared<const snapshot>(std::move(**loaded));
  }
  return {};
}

result<std::size_t> cacher::refresh() {
  try {
    return refresh_once();
  } catch (const std::exception& e) {
    error err{errc::internal, fmt::format("inventory refresh: {}", e.what())};
    record_failure(clock_(), err);
    return tl::unexpected(err);
  } catch (...) {
    error err{errc::internal, "inventory refresh: unknown exception"};
    record_failure(clock_(), err);
    return tl::unexpected(err);
  }
}

result<std::size_t> cacher::refresh_once() {
  auto described = api_.describe(keys_, {});
  const time_point now = clock_();
  if (!described) {
    record_failure(now, described.error());
    return tl::unexpected(described.error());
  }
  for (auto& r : *described) r.seen_at = now;
  auto next = std::make_shared<snapshot>();
  next->envs = group_by_environment(std::move(*described), keys_);
  next->refreshed_at = now;
  if (auto stored = store_.replace(*next); !stored) {
    // Keep serving the previous snapshot: the store and memory must agree on what "last good" is, so that a
    // restarted process does not go back in time further than this one reports.
    record_failure(now, stored.error());
    return tl::unexpected(stored.error());
  }
  const std::size_t count = next->size();
  std::lock_guard lock(mutex_);
  current_ = std::move(next);
  status_.refreshed_at = now;
  status_.last_attempt = now;
  status_.last_error.clear();
  status_.resources = count;
  status_.consecutive_failures = 0;
  return count;
}

void cacher::record_failure(time_point now, const error& e) {
  std::lock_guard lock(mutex_);
  status_.last_attempt = now;
  status_.last_error = e.message;
  ++status_.consecutive_failures;
  // Logged at every failure with a count, not only the first: an operator needs to see it is ongoing.
  spdlog::warn("inventory refresh failed ({} in a row), keeping the inventory of {}: {}",
               status_.consecutive_failures,
               status_.refreshed_at ? fmt::format("{}s ago", status_.age_seconds(now)) : std::string("never"),
               e.message);
}

std::shared_ptr<const snapshot> cacher::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

cacher_status cacher::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

double cacher::age_seconds() const {
  return status().age_seconds(clock_());
}

}  // namespace devenv::inventory
