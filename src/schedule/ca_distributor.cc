#include "schedule/ca_distributor.h"

#include <fmt/format.h>

#include <utility>

namespace devenv::schedule {

ca_distributor::ca_distributor(cronjob_store& store, std::string configmap, bundle_source source,
                               std::chrono::minutes recheck)
    : store_(store), configmap_(std::move(configmap)), source_(std::move(source)), recheck_(recheck) {}

result<void> ca_distributor::ensure(std::string_view ns, std::chrono::system_clock::time_point now) {
  auto pem = source_();
  if (!pem) {
    return fail(pem.error().code,
                fmt::format("CA for ConfigMap {}/{}: {}", ns, configmap_, pem.error().message));
  }
  if (pem->empty()) return {};
  const std::size_t hash = std::hash<std::string>{}(*pem);
  {
    std::lock_guard lock(mutex_);
    auto it = known_.find(ns);
    if (it != known_.end() && it->second.hash == hash && now - it->second.checked < recheck_) return {};
  }
  auto applied = store_.apply_configmap(ns, configmap_, {{"ca.crt", *pem}});
  if (!applied) {
    return fail(applied.error().code,
                fmt::format("cannot write ConfigMap {}/{}: {}", ns, configmap_, applied.error().message));
  }
  std::lock_guard lock(mutex_);
  known_[std::string(ns)] = written{hash, now};
  return {};
}

}  // namespace devenv::schedule
