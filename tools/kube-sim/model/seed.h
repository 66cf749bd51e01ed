// Loading multi-document YAML manifests (and `kind: List` documents) into a store, as `kubectl create -f`
// would: namespaces first, then everything else in file order. Not thread-safe (uses the store).
#pragma once

#include <cstddef>
#include <string_view>

#include "model/api_error.h"
#include "model/store.h"

namespace kubesim {

// Returns how many objects were created. Namespaces that already exist are skipped (the server creates the
// standard ones at start-up); any other failure stops the load and names the document (0-based index in the
// file, List items as "3.items[1]"). Objects of namespaced kinds without metadata.namespace go to "default".
result<std::size_t> seed_from_yaml(store& target, std::string_view yaml_text);

}  // namespace kubesim
