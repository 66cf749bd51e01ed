// cronjob_store: the narrow view of Kubernetes the CronJob manager needs — get/create/merge-patch/list
// CronJobs, get/list Namespaces, create a ServiceAccount. Objects are the API's JSON as-is, so the adapter
// over kube::client stays trivial and fakes stay small.
//
// Thread-safety: implementations must allow concurrent calls (the webhook's background converges, the
// reconciler and REST handlers share one store).
// Errors: an absent object is errc::not_found; a failed resourceVersion precondition or an existing object on
// create is errc::conflict; transport and 5xx failures errc::unavailable (or timeout).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace devenv::schedule {

using json = nlohmann::json;

class cronjob_store {
 public:
  virtual ~cronjob_store() = default;

  virtual result<json> get_cronjob(std::string_view ns, std::string_view name) = 0;
  virtual result<json> create_cronjob(std::string_view ns, const json& object) = 0;
  // A JSON merge patch with field manager devenv-scaler; with `resource_version` the write fails with
  // errc::conflict when the object changed since it was read.
  virtual result<json> patch_cronjob(std::string_view ns, std::string_view name, const json& merge_patch,
                                     std::optional<std::string> resource_version) = 0;
  // Every CronJob of every namespace matching the label selector (all pages).
  virtual result<std::vector<json>> list_cronjobs(std::string_view label_selector) = 0;

  virtual result<json> get_namespace(std::string_view name) = 0;
  virtual result<std::vector<json>> list_namespaces() = 0;

  // errc::conflict when it already exists.
  virtual result<void> create_service_account(std::string_view ns, std::string_view name) = 0;
  // Makes the ConfigMap `name` in `ns` hold exactly `data` (created when missing, patched when different,
  // left alone when equal). Returns whether it wrote.
  virtual result<bool> apply_configmap(std::string_view ns, std::string_view name,
                                       const std::map<std::string, std::string>& data) = 0;
};

}  // namespace devenv::schedule
