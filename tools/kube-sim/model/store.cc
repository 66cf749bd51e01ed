// The store's public reads and writes by name (create, get, replace, patch, delete, the status and scale
// subresources); the write pipeline itself is store_impl.cc.
#include "model/store_internals.h"

namespace kubesim {

store::store(store_options options, clock_fn clock) : impl_(std::make_unique<impl>()) {
  impl_->options = options;
  impl_->clock = std::move(clock);
}

store::~store() = default;

result<json> store::create(const resource_kind& kind, std::string_view ns, json object, bool dry_run) {
  return impl_->create(kind, ns, std::move(object), dry_run);
}

result<json> store::get(const resource_kind& kind, std::string_view ns, std::string_view name) const {
  if (auto obj = impl_->find(kind, ns, name)) return obj->to_json(kind.api_version(), kind.kind);
  return fail(api_error::not_found(qualified_resource(kind), name));
}

result<json> store::replace(const resource_kind& kind, std::string_view ns, std::string_view name,
                            json object, bool dry_run) {
  return impl_->update(kind, ns, name, std::move(object), dry_run, impl::target::main);
}

result<json> store::patch(const resource_kind& kind, std::string_view ns, std::string_view name,
                          patch_type type, std::string_view body, bool dry_run) {
  const object_ptr old = impl_->find(kind, ns, name);
  if (!old) {
    if (type != patch_type::apply) return fail(api_error::not_found(qualified_resource(kind), name));
    // Server-side apply creates what does not exist yet.
    auto applied = apply_patch(json::object(), type, body);
    if (!applied) return applied;
    if (!applied->is_object()) return fail(api_error::bad_request("apply patch must be an object"));
    json& meta = (*applied)["metadata"];
    if (!meta.is_object()) meta = json::object();
    const std::string body_name = string_field(meta, "name");
    if (!body_name.empty() && body_name != name) {
      return fail(api_error::bad_request(fmt::format(
          "the name of the object ({}) does not match the name on the URL ({})", body_name, name)));
    }
    meta["name"] = name;
    return impl_->create(kind, ns, std::move(*applied), dry_run);
  }
  auto patched = apply_patch(old->to_json(kind.api_version(), kind.kind), type, body);
  if (!patched) return patched;
  if (!patched->is_object()) return fail(api_error::bad_request("the patched object must be a JSON object"));
  const std::string patched_name = meta_string(*patched, "name");
  if (patched_name != name) {
    return fail(api_error::bad_request(fmt::format(
        "the name of the object ({}) does not match the name on the URL ({})", patched_name, name)));
  }
  return impl_->update(kind, ns, name, std::move(*patched), dry_run, impl::target::main);
}

result<json> store::remove(const resource_kind& kind, std::string_view ns, std::string_view name,
                           bool dry_run) {
  const std::string qr = qualified_resource(kind);
  const object_ptr old = impl_->find(kind, ns, name);
  if (!old) return fail(api_error::not_found(qr, name));
  if (kind.resource == "namespaces" &&
      (name == "default" || name == "kube-system" || name == "kube-public")) {
    return fail(api_error::forbidden(qr, name, "this namespace may not be deleted"));
  }
  if (dry_run) return old->to_json(kind.api_version(), kind.kind);
  if (kind.resource == "namespaces") {
    // Namespace deletion is immediate here: everything in it goes first, each with its DELETED event.
    for (auto& [resource, t] : impl_->tables) {
      if (!t.kind.namespaced) continue;
      auto it = t.objects.lower_bound(object_key(std::string(name), ""));
      std::vector<std::pair<object_key, object_ptr>> doomed;
      for (; it != t.objects.end() && it->first.first == name; ++it)
        doomed.emplace_back(it->first, it->second);
      for (const auto& [key, obj] : doomed) impl_->remove_object(t, key, obj);
    }
  }
  return impl_->remove_object(impl_->table_for(kind), object_key(kind.namespaced ? ns : "", name), old);
}

result<json> store::get_subresource(const resource_kind& kind, std::string_view ns, std::string_view name,
                                    std::string_view subresource) const {
  if (!kind.has_subresource(subresource)) {
    api_error e;
    e.code = 404;
    e.reason = "NotFound";
    e.message = "the server could not find the requested resource";
    return fail(std::move(e));
  }
  auto obj = get(kind, ns, name);
  if (!obj || subresource == "status") return obj;
  return impl_->scale_of(kind, *obj);
}

result<json> store::update_subresource(const resource_kind& kind, std::string_view ns, std::string_view name,
                                       std::string_view subresource, std::optional<patch_type> patch,
                                       std::string_view body, bool dry_run) {
  auto current = get_subresource(kind, ns, name, subresource);
  if (!current) return current;
  json updated;
  if (patch) {
    auto patched = apply_patch(*current, *patch, body);
    if (!patched) return patched;
    updated = std::move(*patched);
  } else {
    try {
      updated = json::parse(body);
    } catch (const json::exception& e) {
      return fail(api_error::bad_request(fmt::format("error decoding body: {}", e.what())));
    }
  }
  if (!updated.is_object())
    return fail(api_error::bad_request("the body of the request must be a JSON object"));
  if (subresource == "status")
    return impl_->update(kind, ns, name, std::move(updated), dry_run, impl::target::status);

  // Scale: only spec.replicas moves, with the Scale's resourceVersion as precondition.
  const std::string qr = qualified_resource(kind);
  const json& meta = field_or_null(updated, "metadata");
  const std::string body_name = string_field(meta, "name");
  if (!body_name.empty() && body_name != name) {
    return fail(api_error::bad_request(
        fmt::format("the name of the object ({}) does not match the name on the URL ({})", body_name, name)));
  }
  const std::string want_rv = string_field(meta, "resourceVersion");
  if (!want_rv.empty() && want_rv != (*current)["metadata"].value("resourceVersion", "")) {
    return fail(api_error::conflict(qr, name, kModified));
  }
  const json& replicas = field_or_null(field_or_null(updated, "spec"), "replicas");
  if (!replicas.is_null() && !replicas.is_number_integer()) {
    return fail(api_error::bad_request(
        "json: cannot unmarshal into Go struct field ScaleSpec.spec.replicas of type int32"));
  }
  const std::int64_t n = replicas.is_null() ? 0 : replicas.get<std::int64_t>();
  if (n < 0) {
    return fail(api_error::invalid_fields(
        "Scale.autoscaling", name,
        {{"spec.replicas", "FieldValueInvalid",
          fmt::format("Invalid value: {}: must be greater than or equal to 0", n)}}));
  }
  json object = impl_->find(kind, ns, name)->to_json(kind.api_version(), kind.kind);
  object["spec"]["replicas"] = n;
  auto result = impl_->update(kind, ns, name, std::move(object), dry_run, impl::target::main);
  if (!result) return result;
  return impl_->scale_of(kind, *result);
}

}  // namespace kubesim
