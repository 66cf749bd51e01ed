// support_service: starts, stops and lists support pods through the narrow support_store. Starting checks
// the name (RFC 1123 label), the size, a duplicate name and the owner's limit of live pods (counted from the
// pods' labels, confirmed by the exact owner annotation); stopping is allowed to the pod's owner and to the
// configured admins. A finished pod (its lifetime ran out: phase Failed, DeadlineExceeded) keeps its name
// taken in Kubernetes, so starting that name again replaces it.
//
// Two concurrent starts by one owner may both pass the limit check (Kubernetes has no transaction across
// objects); the limit is a guard against forgetting pods, not a security boundary, and the lifetime still
// ends every pod.
//
// Thread-safety: every method may be called concurrently (the store must allow it; settings are immutable).
#pragma once

#include <chrono>
#include <functional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "support/support_pod.h"
#include "support/support_settings.h"
#include "support/support_store.h"

namespace devenv::support {

class support_service {
 public:
  using clock = std::function<time_point()>;

  // `store` must outlive the service; `now` is the wall clock (injected: no clock reads below src/app).
  support_service(support_store& store, support_settings settings, clock now);

  // `owner` is the Slack user id or "api:<token name>"; `size` as typed ("xl"; empty: the default size).
  // errc::invalid_argument (name, size), errc::conflict (the name is taken by a live pod or a pod that is
  // not a support pod), errc::forbidden (the owner's limit), or the store's error.
  result<support_pod> start(std::string_view owner, std::string_view name, std::string_view size);
  // errc::invalid_argument (name), errc::not_found (no such support pod), errc::forbidden (not the owner
  // nor an admin). Returns the pod as it was before deletion.
  result<support_pod> stop(std::string_view actor, std::string_view name);
  // Every support pod of the namespace, by name. Pods that cannot be read are skipped.
  result<std::vector<support_pod>> list();

  const support_settings& settings() const { return settings_; }

 private:
  support_store& store_;
  support_settings settings_;
  clock now_;
};

}  // namespace devenv::support
