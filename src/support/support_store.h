// support_store: the narrow view of Kubernetes that support_service needs — list, read, create and delete
// Pods of one namespace. Shaped by its one consumer so fakes stay small and the domain never includes a
// Kubernetes client header.
//
// Thread-safety: implementations must allow concurrent calls (Slack and REST requests run on a worker pool).
// Errors: devenv::error values. An absent pod is errc::not_found; a create whose name is taken
// errc::conflict; transport and 5xx failures errc::unavailable (or timeout).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace devenv::support {

class support_store {
 public:
  virtual ~support_store() = default;

  // Every Pod of `ns` matching the label selector (all pages).
  virtual result<std::vector<nlohmann::json>> list_pods(std::string_view ns,
                                                        std::string_view label_selector) = 0;
  virtual result<nlohmann::json> get_pod(std::string_view ns, std::string_view name) = 0;
  // Returns the Pod as stored (creationTimestamp set by the server).
  virtual result<nlohmann::json> create_pod(std::string_view ns, const nlohmann::json& pod) = 0;
  virtual result<void> delete_pod(std::string_view ns, std::string_view name) = 0;
};

}  // namespace devenv::support
