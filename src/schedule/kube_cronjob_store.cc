#include "schedule/kube_cronjob_store.h"

#include "kube/paths.h"

namespace devenv::schedule {

namespace {

std::vector<json> items_of(const json& list) {
  std::vector<json> out;
  if (list.contains("items") && list["items"].is_array()) {
    for (const auto& item : list["items"]) out.push_back(item);
  }
  return out;
}

}  // namespace

result<json> kube_cronjob_store::get_cronjob(std::string_view ns, std::string_view name) {
  return api_.get(kube::object_path(kube::resource::cronjobs, ns, name));
}

result<json> kube_cronjob_store::create_cronjob(std::string_view ns, const json& object) {
  return api_.create(kube::collection_path(kube::resource::cronjobs, ns), object);
}

result<json> kube_cronjob_store::patch_cronjob(std::string_view ns, std::string_view name,
                                               const json& merge_patch,
                                               std::optional<std::string> resource_version) {
  return api_.merge_patch(kube::object_path(kube::resource::cronjobs, ns, name), merge_patch,
                          std::move(resource_version));
}

result<std::vector<json>> kube_cronjob_store::list_cronjobs(std::string_view label_selector) {
  kube::list_options options;
  options.label_selector = std::string(label_selector);
  options.limit = 500;
  auto list = api_.list_all(kube::collection_path(kube::resource::cronjobs), options);
  if (!list) return tl::unexpected(list.error());
  return items_of(*list);
}

result<json> kube_cronjob_store::get_namespace(std::string_view name) {
  return api_.get(kube::namespace_path(name));
}

result<std::vector<json>> kube_cronjob_store::list_namespaces() {
  kube::list_options options;
  options.limit = 500;
  auto list = api_.list_all(kube::collection_path(kube::resource::namespaces), options);
  if (!list) return tl::unexpected(list.error());
  return items_of(*list);
}

result<void> kube_cronjob_store::create_service_account(std::string_view ns, std::string_view name) {
  // kube/paths.h has no serviceaccounts entry yet (not ours to edit); core/v1 paths are stable.
  const std::string path = kube::namespace_path(ns) + "/serviceaccounts";
  auto created = api_.create(
      path,
      json{{"apiVersion", "v1"},
           {"kind", "ServiceAccount"},
           {"metadata",
            {{"name", std::string(name)}, {"labels", {{"app.kubernetes.io/managed-by", "devenv-scaler"}}}}}});
  if (!created) return tl::unexpected(created.error());
  return {};
}

result<bool> kube_cronjob_store::apply_configmap(std::string_view ns, std::string_view name,
                                                 const std::map<std::string, std::string>& data) {
  const json wanted_data(data);
  const std::string path = kube::object_path(kube::resource::configmaps, ns, name);
  auto current = api_.get(path);
  if (!current && current.error().code == errc::not_found) {
    auto created = api_.create(
        kube::collection_path(kube::resource::configmaps, ns),
        json{{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata",
              {{"name", std::string(name)}, {"labels", {{"app.kubernetes.io/managed-by", "devenv-scaler"}}}}},
             {"data", wanted_data}});
    if (!created) return tl::unexpected(created.error());
    return true;
  }
  if (!current) return tl::unexpected(current.error());
  const json have = current->value("data", json::object());
  bool same = have.is_object();
  for (const auto& [key, value] : data) same = same && have.contains(key) && have[key] == value;
  if (same) return false;
  // Only our keys are written; the resourceVersion makes a concurrent writer re-converge instead.
  auto patched = api_.merge_patch(path, json{{"data", wanted_data}},
                                  current->value("/metadata/resourceVersion"_json_pointer, std::string()));
  if (!patched) return tl::unexpected(patched.error());
  return true;
}

}  // namespace devenv::schedule
