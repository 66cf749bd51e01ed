// ca_distributor: keeps the shutdown Job's trust anchor — our serving CA as `ca.crt` in the ConfigMap named
// by schedule.cronjob.ca_configmap — present and current in each managed namespace. Kubernetes mounts
// ConfigMaps only from the pod's own namespace, so every environment needs its own copy; without it the
// nightly `stop` cannot verify a privately issued server certificate and fails.
//
// The PEM comes from a source function read at every call (a mounted file that cert-manager rotates, or the
// self-signed CA). What was last written per namespace is remembered with its hash and re-checked after
// `recheck`, so the periodic resync costs no API call while the CA is unchanged, yet a deleted ConfigMap is
// restored within that period. Thread-safe: the webhook's converge and the reconciler call it concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.h"
#include "schedule/cronjob_store.h"

namespace devenv::schedule {

class ca_distributor {
 public:
  using bundle_source = std::function<result<std::string>()>;  // PEM; empty text: nothing to distribute

  ca_distributor(cronjob_store& store, std::string configmap, bundle_source source,
                 std::chrono::minutes recheck = std::chrono::minutes(60));

  // Writes the ConfigMap in `ns` when missing or different. Errors name the namespace and ConfigMap.
  result<void> ensure(std::string_view ns, std::chrono::system_clock::time_point now);

 private:
  struct written {
    std::size_t hash = 0;
    std::chrono::system_clock::time_point checked;
  };

  cronjob_store& store_;
  std::string configmap_;
  bundle_source source_;
  std::chrono::minutes recheck_;
  std::mutex mutex_;
  std::map<std::string, written, std::less<>> known_;
};

}  // namespace devenv::schedule
