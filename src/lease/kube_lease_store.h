// kube_lease_store: lease_store over the Kubernetes API — GET, POST and a merge PATCH of the Lease's spec
// carrying metadata.resourceVersion as a precondition (the API server answers 409 when the Lease changed).
// The RBAC it needs: get, create and patch on leases (coordination.k8s.io) in the Lease's namespace.
// Thread-safety: as kube::client (every method may be called concurrently). Part of devenv_lease_kube.
#pragma once

#include <string>

#include "kube/client.h"
#include "lease/lease_store.h"

namespace devenv::lease {

class kube_lease_store final : public lease_store {
 public:
  kube_lease_store(kube::client& api, std::string ns, std::string name);

  result<std::optional<lease_record>> get() override;
  result<lease_record> create(const lease_record& record) override;
  result<lease_record> update(const lease_record& record) override;

 private:
  kube::client& api_;
  std::string namespace_;
  std::string name_;
};

}  // namespace devenv::lease
