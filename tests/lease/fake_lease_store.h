// An in-memory lease_store with the API server's fencing (a write with a stale resourceVersion is a
// conflict, a second create is a conflict) and error knobs, for elector tests. Thread-safe (one mutex).
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "lease/lease_store.h"

namespace devenv::lease::testing {

class fake_lease_store final : public lease_store {
 public:
  result<std::optional<lease_record>> get() override {
    std::lock_guard lock(mutex_);
    ++gets;
    if (fail_reads) return fail(errc::unavailable, "injected read failure");
    return lease_;
  }
  result<lease_record> create(const lease_record& record) override {
    std::lock_guard lock(mutex_);
    if (fail_writes) return fail(errc::unavailable, "injected write failure");
    if (lease_) return fail(errc::conflict, "AlreadyExists: leases \"devenv-scaler\" already exists");
    lease_ = record;
    lease_->resource_version = std::to_string(++version_);
    return *lease_;
  }
  result<lease_record> update(const lease_record& record) override {
    std::lock_guard lock(mutex_);
    ++updates;
    if (before_update) before_update();
    if (fail_writes) return fail(errc::unavailable, "injected write failure");
    if (!lease_) return fail(errc::not_found, "leases \"devenv-scaler\" not found");
    if (record.resource_version != lease_->resource_version)
      return fail(errc::conflict, "the object has been modified");
    lease_ = record;
    lease_->resource_version = std::to_string(++version_);
    return *lease_;
  }

  // Another writer (a competing replica, kubectl) replaces the record.
  void put(lease_record record) {
    std::lock_guard lock(mutex_);
    lease_ = std::move(record);
    lease_->resource_version = std::to_string(++version_);
  }
  std::optional<lease_record> current() const {
    std::lock_guard lock(mutex_);
    return lease_;
  }

  // Knobs and counters; read and written by the test thread while the elector is not running, or atomically
  // enough for tests that flip them from a sleep hook on the elector's own thread.
  std::function<void()> before_update;  // runs inside update(), before the fence check: a racing writer
  bool fail_reads = false;
  bool fail_writes = false;
  int gets = 0;
  int updates = 0;

 private:
  mutable std::recursive_mutex mutex_;
  std::optional<lease_record> lease_;
  long version_ = 0;
};

}  // namespace devenv::lease::testing
