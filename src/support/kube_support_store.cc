#include "support/kube_support_store.h"

#include <exception>

#include "kube/client.h"
#include "kube/paths.h"

namespace devenv::support {

result<std::vector<nlohmann::json>> kube_support_store::list_pods(std::string_view ns,
                                                                  std::string_view label_selector) {
  try {
    kube::list_options options;
    options.label_selector = std::string(label_selector);
    auto list = client_.list_all(kube::collection_path(kube::resource::pods, ns), options);
    if (!list) return tl::unexpected(list.error());
    std::vector<nlohmann::json> out;
    if (const auto it = list->find("items"); it != list->end() && it->is_array()) {
      for (auto& item : *it) out.push_back(std::move(item));
    }
    return out;
  } catch (const std::exception& e) {
    return fail(errc::internal, std::string("listing support pods: ") + e.what());
  }
}

result<nlohmann::json> kube_support_store::get_pod(std::string_view ns, std::string_view name) {
  return client_.get(kube::object_path(kube::resource::pods, ns, name));
}

result<nlohmann::json> kube_support_store::create_pod(std::string_view ns, const nlohmann::json& pod) {
  return client_.create(kube::collection_path(kube::resource::pods, ns), pod);
}

result<void> kube_support_store::delete_pod(std::string_view ns, std::string_view name) {
  auto r = client_.remove(kube::object_path(kube::resource::pods, ns, name));
  if (!r) return tl::unexpected(r.error());
  return {};
}

}  // namespace devenv::support
