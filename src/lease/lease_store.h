// lease_store: the one Lease an elector competes for, as the elector needs it — read it, create it, and
// replace its spec only if it still has the resourceVersion the write was decided on. Narrow so the elector
// runs against an in-memory fake in unit tests and against the Kubernetes API in production
// (kube_lease_store.h). Implementations must be safe to call from the elector's thread while other threads
// use other objects; one elector uses one store.
#pragma once

#include <optional>

#include "core/error.h"
#include "lease/lease_record.h"

namespace devenv::lease {

class lease_store {
 public:
  virtual ~lease_store() = default;
  // The current record, or nullopt when the Lease does not exist.
  virtual result<std::optional<lease_record>> get() = 0;
  // Creates the Lease; errc::conflict when it already exists (another candidate was first).
  virtual result<lease_record> create(const lease_record& record) = 0;
  // Writes `record`'s spec if the Lease still has record.resource_version; errc::conflict when it changed
  // (another candidate won the race), errc::not_found when it was deleted.
  virtual result<lease_record> update(const lease_record& record) = 0;
};

}  // namespace devenv::lease
