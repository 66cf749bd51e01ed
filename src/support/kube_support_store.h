// kube_support_store: support_store over the Kubernetes REST client (devenv::kube::client): v1 Pods of one
// namespace; lists follow continue tokens, deletes use background propagation.
//
// Thread-safety: as thread-safe as kube::client (fully); the adapter holds no mutable state. Exceptions never
// escape: anything nlohmann throws becomes an error value here, at the edge.
#pragma once

#include "support/support_store.h"

namespace devenv::kube {
class client;
}

namespace devenv::support {

class kube_support_store : public support_store {
 public:
  // `client` must outlive the store.
  explicit kube_support_store(kube::client& client) : client_(client) {}

  result<std::vector<nlohmann::json>> list_pods(std::string_view ns,
                                                std::string_view label_selector) override;
  result<nlohmann::json> get_pod(std::string_view ns, std::string_view name) override;
  result<nlohmann::json> create_pod(std::string_view ns, const nlohmann::json& pod) override;
  result<void> delete_pod(std::string_view ns, std::string_view name) override;

 private:
  kube::client& client_;
};

}  // namespace devenv::support
