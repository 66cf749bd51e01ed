#include "lease/kube_lease_store.h"

#include "kube/paths.h"

namespace devenv::lease {

kube_lease_store::kube_lease_store(kube::client& api, std::string ns, std::string name)
    : api_(api), namespace_(std::move(ns)), name_(std::move(name)) {}

result<std::optional<lease_record>> kube_lease_store::get() {
  auto lease = api_.get(kube::object_path(kube::resource::leases, namespace_, name_));
  if (!lease) {
    if (lease.error().code == errc::not_found) return std::optional<lease_record>();
    return tl::unexpected(lease.error());
  }
  auto record = record_from_lease(*lease);
  if (!record) return tl::unexpected(record.error());
  return std::optional<lease_record>(std::move(*record));
}

result<lease_record> kube_lease_store::create(const lease_record& record) {
  auto created = api_.create(kube::collection_path(kube::resource::leases, namespace_),
                             lease_object(namespace_, name_, record));
  if (!created) return tl::unexpected(created.error());
  return record_from_lease(*created);
}

result<lease_record> kube_lease_store::update(const lease_record& record) {
  if (record.resource_version.empty()) {
    return fail(errc::internal, "a Lease update needs the resourceVersion it was decided on");
  }
  auto patched = api_.merge_patch(kube::object_path(kube::resource::leases, namespace_, name_),
                                  {{"spec", lease_spec(record)}}, record.resource_version);
  if (!patched) return tl::unexpected(patched.error());
  return record_from_lease(*patched);
}

}  // namespace devenv::lease
