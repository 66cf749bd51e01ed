// inventory_store: where the cacher keeps the last good inventory, so that any replica (and a restarted
// process) can answer status from it. Implementations: sqlite_store (default, a local file) and
// dynamodb_store (a shared table). `replace` is all or nothing as far as readers are concerned: a reader
// sees the previous snapshot or the new one, never a mixture. Implementations are thread-safe.
#pragma once

#include <optional>

#include "core/error.h"
#include "inventory/resource.h"

namespace devenv::inventory {

class inventory_store {
 public:
  virtual ~inventory_store() = default;
  virtual result<void> replace(const snapshot& s) = 0;
  // nullopt: nothing stored yet.
  virtual result<std::optional<snapshot>> load() = 0;
};

}  // namespace devenv::inventory
