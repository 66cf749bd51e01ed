// The store's write pipeline: validation, create and update (PUT semantics for replace, patch and the
// subresources), deletion, the history ring and dispatch to watches.
#include "model/store_internals.h"

namespace kubesim {

void store::impl::commit(table& t, const std::string& type, const object_key& key, object_ptr prev,
                         object_ptr next) {
  if (type == "DELETED") {
    t.objects.erase(key);
  } else {
    t.objects[key] = next;
  }
  history.push_back(history_entry{rv, &t, type, key, std::move(prev), std::move(next)});
  while (history.size() > std::max<std::size_t>(options.watch_history, 1)) {
    compacted_rv = history.front().rv;
    history.pop_front();
  }
  dispatch(history.back());
}

void store::impl::dispatch(const history_entry& e) {
  for (auto it = watchers.begin(); it != watchers.end();) {
    auto w = it->target.lock();
    if (!w) {
      it = watchers.erase(it);  // the server released the watch
      continue;
    }
    if (it->source == e.source && !w->closed) {
      if (auto ev = filtered_event(*it, e)) {
        w->pending.push_back(std::move(*ev));
        if (w->notify) w->notify();
      }
    }
    ++it;
  }
}

result<void> store::impl::validate_metadata(const resource_kind& kind, const json& object) {
  const json& meta = object["metadata"];
  std::vector<field_cause> causes;
  for (const char* field : {"labels", "annotations"}) {
    const json& m = field_or_null(meta, field);
    if (m.is_null()) continue;
    if (!m.is_object()) {
      return fail(api_error::bad_request(fmt::format(
          "json: cannot unmarshal {} into Go struct field ObjectMeta.metadata.{} of type map[string]string",
          m.type_name(), field)));
    }
    for (const auto& [k, v] : m.items()) {
      if (!v.is_string()) {
        return fail(api_error::bad_request(fmt::format(
            "json: cannot unmarshal {} into Go struct field ObjectMeta.metadata.{} of type string",
            v.type_name(), field)));
      }
      if (auto err = label_key_error(k)) {
        causes.push_back({fmt::format("metadata.{}", field), "FieldValueInvalid",
                          fmt::format("Invalid value: \"{}\": {}", k, *err)});
      }
      if (std::string_view(field) == "labels") {
        if (auto err = label_value_error(v.get<std::string>())) {
          causes.push_back({"metadata.labels", "FieldValueInvalid",
                            fmt::format("Invalid value: \"{}\": {}", v.get<std::string>(), *err)});
        }
      }
    }
  }
  if (!causes.empty())
    return fail(api_error::invalid_fields(qualified_kind(kind), meta_string(object, "name"), causes));
  return {};
}

result<void> store::impl::check_type(const resource_kind& kind, const json& body) {
  if (!body.is_object()) return fail(api_error::bad_request("the body of the request must be a JSON object"));
  const std::string api_version = string_field(body, "apiVersion");
  const std::string k = string_field(body, "kind");
  if (!api_version.empty() && api_version != kind.api_version()) {
    return fail(api_error::bad_request(
        fmt::format("the API version in the data ({}) does not match the expected API version ({})",
                    api_version, kind.api_version())));
  }
  if (!k.empty() && k != kind.kind) {
    return fail(api_error::bad_request(
        fmt::format("the kind in the data ({}) does not match the expected kind ({})", k, kind.kind)));
  }
  if (body.contains("metadata") && !body["metadata"].is_object()) {
    return fail(api_error::bad_request("metadata must be an object"));
  }
  return {};
}

void store::impl::schedule_workload(const resource_kind& kind, const object_key& key, json& object,
                                    bool spec_changed, bool record) {
  if (!simulates_workload(kind.resource) || !spec_changed) return;
  const auto pkey = std::make_pair(qualified_resource(kind), key);
  const bool rising = apply_spec_change(kind.resource, object, now());
  if (!record) return;
  if (rising) {
    pending[pkey] = pending_ready{clock() + options.workload_ready_delay, kind.resource};
  } else {
    pending.erase(pkey);
  }
}

result<json> store::impl::update(const resource_kind& kind, std::string_view ns, std::string_view name,
                                 json body, bool dry_run, target what) {
  if (auto ok = check_type(kind, body); !ok) return fail(ok.error());
  const std::string qr = qualified_resource(kind);
  const std::string url_ns = kind.namespaced ? std::string(ns) : std::string();
  json& meta = body["metadata"];
  if (!meta.is_object()) meta = json::object();
  const std::string body_name = string_field(meta, "name");
  if (!body_name.empty() && body_name != name) {
    return fail(api_error::bad_request(
        fmt::format("the name of the object ({}) does not match the name on the URL ({})", body_name, name)));
  }
  const std::string body_ns = string_field(meta, "namespace");
  if (kind.namespaced && !body_ns.empty() && body_ns != url_ns) {
    return fail(api_error::bad_request(
        "the namespace of the provided object does not match the namespace sent on the request"));
  }
  const object_ptr stored = find(kind, url_ns, name);
  if (!stored) return fail(api_error::not_found(qr, name));
  const json old = stored->to_json(kind.api_version(), kind.kind);
  const std::string old_rv = meta_string(old, "resourceVersion");
  const std::string want_rv = string_field(meta, "resourceVersion");
  if (!want_rv.empty() && want_rv != old_rv) return fail(api_error::conflict(qr, name, kModified));
  const std::string body_uid = string_field(meta, "uid");
  if (!body_uid.empty() && body_uid != meta_string(old, "uid")) {
    return fail(
        api_error::invalid_fields(qualified_kind(kind), name,
                                  {{"metadata.uid", "FieldValueInvalid",
                                    fmt::format("Invalid value: \"{}\": field is immutable", body_uid)}}));
  }

  json next;
  if (what == target::status) {
    // Only .status moves through /status; spec and metadata stay as stored.
    next = old;
    if (body.contains("status")) {
      next["status"] = body["status"];
    } else {
      next.erase("status");
    }
  } else {
    next = std::move(body);
    json& m = next["metadata"];
    for (const char* immutable : {"name", "uid", "creationTimestamp", "generation", "resourceVersion"}) {
      const json& v = field_or_null(old["metadata"], immutable);
      if (v.is_null())
        m.erase(immutable);
      else
        m[immutable] = v;
    }
    if (kind.namespaced)
      m["namespace"] = url_ns;
    else
      m.erase("namespace");
    next["apiVersion"] = kind.api_version();
    next["kind"] = kind.kind;
    if (kind.has_subresource("status")) {  // status cannot change through the main resource
      if (old.contains("status"))
        next["status"] = old["status"];
      else
        next.erase("status");
    }
    if (kind.resource == "namespaces") {
      if (!next.contains("spec") || !next["spec"].is_object()) next["spec"] = json::object();
      if (!next["spec"].contains("finalizers")) next["spec"]["finalizers"] = json::array({"kubernetes"});
    }
    if (auto ok = validate_metadata(kind, next); !ok) return fail(ok.error());
  }

  bool spec_changed = false;
  if (const char* gen_field = generation_field(kind)) {
    spec_changed = field_or_null(next, gen_field) != field_or_null(old, gen_field);
    if (spec_changed)
      next["metadata"]["generation"] = old["metadata"].value("generation", std::int64_t{0}) + 1;
  }
  const object_key key(url_ns, std::string(name));
  schedule_workload(kind, key, next, spec_changed, !dry_run);
  if (next == old) return old;  // a no-op write keeps its version and emits nothing
  if (dry_run) return next;
  ++rv;
  next["metadata"]["resourceVersion"] = std::to_string(rv);
  commit(table_for(kind), "MODIFIED", key, stored, std::make_shared<const stored_object>(next));
  return next;
}

result<json> store::impl::create(const resource_kind& kind, std::string_view ns, json object, bool dry_run) {
  if (auto ok = check_type(kind, object); !ok) return fail(ok.error());
  json& meta = object["metadata"];
  if (!meta.is_object()) meta = json::object();
  object["apiVersion"] = kind.api_version();
  object["kind"] = kind.kind;
  if (kind.verbs.size() == 1) return object;  // create-only reviews (TokenReview) are not persisted
  std::string obj_ns;
  if (kind.namespaced) {
    const std::string body_ns = string_field(meta, "namespace");
    if (!ns.empty() && !body_ns.empty() && body_ns != ns) {
      return fail(api_error::bad_request(
          "the namespace of the provided object does not match the namespace sent on the request"));
    }
    obj_ns = ns.empty() ? body_ns : std::string(ns);
    if (obj_ns.empty()) return fail(api_error::bad_request("the namespace of the object is required"));
    meta["namespace"] = obj_ns;
    if (!namespace_exists(obj_ns)) return fail(api_error::not_found("namespaces", obj_ns));
  } else {
    meta.erase("namespace");
  }
  table& t = table_for(kind);
  std::string name = string_field(meta, "name");
  const std::string generate = string_field(meta, "generateName");
  if (name.empty() && !generate.empty()) {
    // Like the apiserver, retry a few random suffixes before reporting a collision.
    for (int attempt = 0; attempt < 8; ++attempt) {
      name = generate + random_suffix();
      if (!t.objects.count(object_key(obj_ns, name))) break;
    }
  }
  const std::string qk = qualified_kind(kind);
  if (name.empty()) {
    return fail(api_error::invalid_fields(
        qk, "",
        {{"metadata.name", "FieldValueRequired", "Required value: name or generateName is required"}}));
  }
  const auto name_error =
      kind.resource == "namespaces" ? dns1123_label_error(name) : dns1123_subdomain_error(name);
  if (name_error) {
    return fail(api_error::invalid_fields(qk, name,
                                          {{"metadata.name", "FieldValueInvalid",
                                            fmt::format("Invalid value: \"{}\": {}", name, *name_error)}}));
  }
  meta["name"] = name;
  if (auto ok = validate_metadata(kind, object); !ok) return fail(ok.error());
  const object_key key(obj_ns, name);
  if (t.objects.count(key)) return fail(api_error::already_exists(qualified_resource(kind), name));

  for (const char* server_set :
       {"uid", "resourceVersion", "generation", "deletionTimestamp", "selfLink", "managedFields"}) {
    meta.erase(server_set);
  }
  meta["uid"] = uuid();
  meta["creationTimestamp"] = now();
  if (generation_field(kind)) meta["generation"] = 1;
  if (kind.has_subresource("status")) object.erase("status");  // PrepareForCreate clears status
  if (kind.resource == "namespaces") {
    if (!object.contains("spec") || !object["spec"].is_object()) object["spec"] = json::object();
    if (!object["spec"].contains("finalizers")) object["spec"]["finalizers"] = json::array({"kubernetes"});
    object["status"] = {{"phase", "Active"}};
  }
  if (kind.resource == "pods") object["status"] = {{"phase", "Pending"}, {"qosClass", "BestEffort"}};
  schedule_workload(kind, key, object, true, !dry_run);
  if (dry_run) return object;  // no resourceVersion: nothing was stored
  ++rv;
  meta["resourceVersion"] = std::to_string(rv);
  commit(t, "ADDED", key, nullptr, std::make_shared<const stored_object>(object));
  return object;
}

json store::impl::remove_object(table& t, const object_key& key, const object_ptr& old) {
  ++rv;
  json gone = old->to_json(t.api_version, t.kind.kind);
  gone["metadata"]["resourceVersion"] = std::to_string(rv);
  pending.erase(std::make_pair(qualified_resource(t.kind), key));
  commit(t, "DELETED", key, old, std::make_shared<const stored_object>(gone));
  return gone;
}

json store::impl::scale_of(const resource_kind& kind, const json& object) const {
  const json& meta = object["metadata"];
  json m = json::object();
  for (const char* k : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (meta.contains(k)) m[k] = meta[k];
  }
  const json& status = field_or_null(object, "status");
  const json& replicas = field_or_null(status, "replicas");
  (void)kind;
  return {{"kind", "Scale"},
          {"apiVersion", "autoscaling/v1"},
          {"metadata", m},
          {"spec", {{"replicas", desired_replicas(object)}}},
          {"status",
           {{"replicas", replicas.is_number_integer() ? replicas.get<std::int64_t>() : 0},
            {"selector", label_selector_string(field_or_null(field_or_null(object, "spec"), "selector"))}}}};
}

}  // namespace kubesim
