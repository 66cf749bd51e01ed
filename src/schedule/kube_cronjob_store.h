// kube_cronjob_store: cronjob_store over the Kubernetes REST client (library devenv_schedule_kube, so the
// schedule logic builds and tests without libcurl). Thread-safe because kube::client is.
#pragma once

#include "kube/client.h"
#include "schedule/cronjob_store.h"

namespace devenv::schedule {

class kube_cronjob_store final : public cronjob_store {
 public:
  explicit kube_cronjob_store(kube::client& api) : api_(api) {}

  result<json> get_cronjob(std::string_view ns, std::string_view name) override;
  result<json> create_cronjob(std::string_view ns, const json& object) override;
  result<json> patch_cronjob(std::string_view ns, std::string_view name, const json& merge_patch,
                             std::optional<std::string> resource_version) override;
  result<std::vector<json>> list_cronjobs(std::string_view label_selector) override;
  result<json> get_namespace(std::string_view name) override;
  result<std::vector<json>> list_namespaces() override;
  result<void> create_service_account(std::string_view ns, std::string_view name) override;
  result<bool> apply_configmap(std::string_view ns, std::string_view name,
                               const std::map<std::string, std::string>& data) override;

 private:
  kube::client& api_;
};

}  // namespace devenv::schedule
