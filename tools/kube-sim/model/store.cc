#include "model/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "core/rfc3339.h"
#include "model/continue_token.h"
#include "model/patch.h"
#include "model/selector.h"
#include "model/stored_object.h"
#include "model/validation.h"
#include "model/workload_status.h"

namespace kubesim {
namespace {

using object_ptr = std::shared_ptr<const stored_object>;
using object_key = std::pair<std::string, std::string>;  // (namespace, name): LIST order

constexpr const char* kModified =
    "the object has been modified; please apply your changes to the latest version and try again";

// "deployments.apps", "namespaces": how the apiserver names a resource in messages.
std::string qualified_resource(const resource_kind& kind) {
  return kind.group.empty() ? kind.resource : kind.resource + "." + kind.group;
}
// "Deployment.apps", "Namespace": how the apiserver names a kind in validation messages.
std::string qualified_kind(const resource_kind& kind) {
  return kind.group.empty() ? kind.kind : kind.kind + "." + kind.group;
}

// Where metadata.generation lives: bumped when this top-level field changes.
const char* generation_field(const resource_kind& kind) {
  const auto& r = kind.resource;
  if (r == "deployments" || r == "statefulsets" || r == "replicasets" || r == "cronjobs" || r == "jobs") {
    return "spec";
  }
  if (r == "mutatingwebhookconfigurations" || r == "validatingwebhookconfigurations") return "webhooks";
  return nullptr;
}

const json& field_or_null(const json& object, const char* key) {
  static const json null_value;
  if (!object.is_object()) return null_value;
  const auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

std::string string_field(const json& object, const char* key) {
  const auto& v = field_or_null(object, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::string meta_string(const json& object, const char* key) {
  return string_field(field_or_null(object, "metadata"), key);
}

std::uint64_t parse_rv(std::string_view text, bool& ok) {
  std::uint64_t n = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  ok = ec == std::errc() && p == text.data() + text.size() && !text.empty();
  return n;
}

struct table {
  resource_kind kind;
  std::string api_version;  // kind.api_version(), which every stored object carries
  std::map<object_key, object_ptr> objects;
};

struct history_entry {
  std::uint64_t rv = 0;
  const table* source = nullptr;  // tables are never removed, so this is a stable, cheap resource id
  std::string type;               // ADDED, MODIFIED, DELETED
  object_key key;
  object_ptr prev;  // null for ADDED
  object_ptr obj;   // the new state; for DELETED the last state stamped with the deletion's version
};

// The label and field selectors of a LIST or WATCH, applied to stored objects. Labels are read from the
// stored label list; field selectors on metadata.name/namespace from the key; only other field paths parse
// the object's text.
struct object_filter {
  label_selector labels;
  field_selector fields;
  bool fields_need_object = false;
  std::string api_version;
  std::string kind;

  static result<object_filter> parse(const resource_kind& k, const list_options& options) {
    auto l = label_selector::parse(options.label_selector);
    if (!l) return tl::unexpected(l.error());
    auto f = field_selector::parse(options.field_selector);
    if (!f) return tl::unexpected(f.error());
    object_filter filter;
    filter.labels = std::move(*l);
    filter.fields = std::move(*f);
    for (const auto& req : filter.fields.requirements()) {
      if (req.path != "metadata.name" && req.path != "metadata.namespace") filter.fields_need_object = true;
    }
    filter.api_version = k.api_version();
    filter.kind = k.kind;
    return filter;
  }
  bool empty() const { return labels.empty() && fields.empty(); }

  bool matches(const object_key& key, const stored_object& object) const {
    if (!labels.matches(object.labels())) return false;
    if (fields.empty()) return true;
    if (fields_need_object) return fields.matches(object.to_json(api_version, kind));
    // The key is (metadata.namespace or "" when cluster-scoped, metadata.name): what the paths read.
    return fields.matches(json{{"metadata", {{"namespace", key.first}, {"name", key.second}}}});
  }
};

struct watch_entry {
  const table* source = nullptr;  // what it watches (the table is created if it did not exist yet)
  std::string ns;
  object_filter filter;
  bool bookmarks = false;
  std::weak_ptr<watcher> target;
};

struct pending_ready {
  std::chrono::system_clock::time_point due;
  std::string plural;
};

// The event a watch sees for one change, after its filters (the watch cache's transitions: an object that
// stops matching is DELETED for this watch, one that starts matching is ADDED).
std::optional<watch_event> filtered_event(const watch_entry& w, const history_entry& e) {
  if (!w.ns.empty() && e.key.first != w.ns) return std::nullopt;
  const bool was = e.prev && w.filter.matches(e.key, *e.prev);
  const bool is = e.obj && w.filter.matches(e.key, *e.obj);
  const auto tree = [&](const stored_object& o) {
    return o.to_json(e.source->api_version, e.source->kind.kind);
  };
  if (e.type == "DELETED") {
    if (was) return watch_event{"DELETED", tree(*e.obj)};
    return std::nullopt;
  }
  if (is && was) return watch_event{"MODIFIED", tree(*e.obj)};
  if (is) return watch_event{"ADDED", tree(*e.obj)};
  if (was) {
    json gone = tree(*e.prev);
    gone["metadata"]["resourceVersion"] = std::to_string(e.rv);
    return watch_event{"DELETED", std::move(gone)};
  }
  return std::nullopt;
}

tl::unexpected<api_error> fail(api_error e) {
  return tl::unexpected(std::move(e));
}

}  // namespace

struct store::impl {
  store_options options;
  clock_fn clock;
  std::uint64_t rv = 1;            // the cluster-wide resourceVersion of the latest write
  std::uint64_t compacted_rv = 1;  // history holds every event after this version
  std::map<std::string, table> tables;
  std::deque<history_entry> history;
  std::vector<watch_entry> watchers;
  std::map<std::pair<std::string, object_key>, pending_ready> pending;  // (resource, key) → ready time
  std::mt19937_64 rng{std::random_device{}()};

  table& table_for(const resource_kind& kind) {
    auto [it, inserted] = tables.try_emplace(qualified_resource(kind));
    if (inserted) {
      it->second.kind = kind;
      it->second.api_version = kind.api_version();
    }
    return it->second;
  }
  const table* find_table(const resource_kind& kind) const {
    const auto it = tables.find(qualified_resource(kind));
    return it == tables.end() ? nullptr : &it->second;
  }
  object_ptr find(const resource_kind& kind, std::string_view ns, std::string_view name) const {
    const table* t = find_table(kind);
    if (!t) return nullptr;
    const auto it = t->objects.find(object_key(kind.namespaced ? ns : "", name));
    return it == t->objects.end() ? nullptr : it->second;
  }
  bool namespace_exists(std::string_view ns) const {
    const auto it = tables.find("namespaces");
    return it != tables.end() && it->second.objects.count(object_key("", ns)) > 0;
  }

  std::string now() const { return devenv::format_rfc3339(clock()); }

  std::string uuid() {
    std::uint64_t a = rng();
    std::uint64_t b = rng();
    a = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
    b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
    return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFFF,
                       b >> 48, b & 0xFFFFFFFFFFFFULL);
  }

  std::string random_suffix() {
    static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    std::string s;
    for (int i = 0; i < 5; ++i) s += kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
    return s;
  }

  // Records a write: the table, the history ring (dropping the oldest) and every interested watch.
  void commit(table& t, const std::string& type, const object_key& key, object_ptr prev, object_ptr next) {
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

  void dispatch(const history_entry& e) {
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

  // metadata.labels and annotations must be maps of strings; label syntax as the apiserver checks it.
  result<void> validate_metadata(const resource_kind& kind, const json& object) {
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

  // The body's apiVersion/kind, when present, must be this kind's.
  static result<void> check_type(const resource_kind& kind, const json& body) {
    if (!body.is_object())
      return fail(api_error::bad_request("the body of the request must be a JSON object"));
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

  // `record` is false for dry runs: the status is computed but nothing is scheduled.
  void schedule_workload(const resource_kind& kind, const object_key& key, json& object, bool spec_changed,
                         bool record) {
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

  enum class target { main, status };

  // PUT semantics shared by replace, patch and the subresources: `body` is the complete new object.
  result<json> update(const resource_kind& kind, std::string_view ns, std::string_view name, json body,
                      bool dry_run, target what) {
    if (auto ok = check_type(kind, body); !ok) return fail(ok.error());
    const std::string qr = qualified_resource(kind);
    const std::string url_ns = kind.namespaced ? std::string(ns) : std::string();
    json& meta = body["metadata"];
    if (!meta.is_object()) meta = json::object();
    const std::string body_name = string_field(meta, "name");
    if (!body_name.empty() && body_name != name) {
      return fail(api_error::bad_request(fmt::format(
          "the name of the object ({}) does not match the name on the URL ({})", body_name, name)));
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

  result<json> create(const resource_kind& kind, std::string_view ns, json object, bool dry_run) {
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

  json remove_object(table& t, const object_key& key, const object_ptr& old) {
    ++rv;
    json gone = old->to_json(t.api_version, t.kind.kind);
    gone["metadata"]["resourceVersion"] = std::to_string(rv);
    pending.erase(std::make_pair(qualified_resource(t.kind), key));
    commit(t, "DELETED", key, old, std::make_shared<const stored_object>(gone));
    return gone;
  }

  json scale_of(const resource_kind& kind, const json& object) const {
    const json& meta = object["metadata"];
    json m = json::object();
    for (const char* k : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (meta.contains(k)) m[k] = meta[k];
    }
    const json& status = field_or_null(object, "status");
    const json& replicas = field_or_null(status, "replicas");
    (void)kind;
    return {
        {"kind", "Scale"},
        {"apiVersion", "autoscaling/v1"},
        {"metadata", m},
        {"spec", {{"replicas", desired_replicas(object)}}},
        {"status",
         {{"replicas", replicas.is_number_integer() ? replicas.get<std::int64_t>() : 0},
          {"selector", label_selector_string(field_or_null(field_or_null(object, "spec"), "selector"))}}}};
  }
};

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

// One LIST answer before rendering: the selected objects of one page of a snapshot, and the list metadata.
// The pointers stay valid until the store is next written (the table or the history holds them).
struct store::list_page {
  std::vector<const stored_object*> items;
  json metadata;
};

result<store::list_page> store::select(const resource_kind& kind, std::string_view ns,
                                       const list_options& options) const {
  auto filter = object_filter::parse(kind, options);
  if (!filter) return fail(filter.error());
  if (options.limit < 0) return fail(api_error::bad_request("limit must be a non-negative integer"));

  std::uint64_t snapshot = impl_->rv;
  std::optional<object_key> after;
  if (!options.continue_token.empty()) {
    auto pos = decode_continue(options.continue_token);
    if (!pos) return fail(pos.error());
    if (pos->resource_version < impl_->compacted_rv) {
      return fail(api_error::gone(
          "The provided continue parameter is too old to display a consistent list result. You can start a "
          "new "
          "list without the continue parameter, or use the continue token in this response to retrieve the "
          "remainder of the results. Continuing with the provided token results in an inconsistent list - "
          "objects that were created, modified, or deleted between the time the first chunk was returned and "
          "now "
          "may show up in the list."));
    }
    if (pos->resource_version > impl_->rv)
      return fail(api_error::bad_request("continue key is not valid: resource version from the future"));
    snapshot = pos->resource_version;
    after = pos->after;
  }

  const table* t = impl_->find_table(kind);
  const std::string scope_ns = kind.namespaced ? std::string(ns) : std::string();
  const auto in_range = [&](const object_key& key) {
    if (!scope_ns.empty() && key.first != scope_ns) return false;
    return !after || key > *after;
  };

  // The snapshot at `snapshot`: the current objects, with every change made since undone from the history
  // (walking back, the earliest change after the snapshot leaves its `prev`).
  std::map<object_key, const stored_object*> undo;
  if (t && snapshot < impl_->rv) {
    for (auto it = impl_->history.rbegin(); it != impl_->history.rend() && it->rv > snapshot; ++it) {
      if (it->source == t && in_range(it->key)) undo[it->key] = it->prev.get();
    }
  }
  // Selected objects with their keys; only `limit` of them are returned, but all are counted.
  std::vector<std::pair<const object_key*, const stored_object*>> view;
  static const std::map<object_key, object_ptr> kEmpty;
  const auto& objects = t ? t->objects : kEmpty;
  auto cur = after ? objects.upper_bound(*after)
                   : (scope_ns.empty() ? objects.begin() : objects.lower_bound(object_key(scope_ns, "")));
  auto und = undo.begin();
  while (cur != objects.end() || und != undo.end()) {
    if (cur != objects.end() && !in_range(cur->first)) {
      if (!scope_ns.empty() && cur->first.first > scope_ns) {
        cur = objects.end();
      } else {
        ++cur;
      }
      continue;
    }
    const object_key* key = nullptr;
    const stored_object* pick = nullptr;
    if (und == undo.end() || (cur != objects.end() && cur->first < und->first)) {
      key = &cur->first;
      pick = cur->second.get();
      ++cur;
    } else {
      if (cur != objects.end() && cur->first == und->first) ++cur;
      key = &und->first;
      pick = und->second;  // null when the object did not exist at the snapshot
      ++und;
    }
    if (pick && filter->matches(*key, *pick)) view.emplace_back(key, pick);
  }

  const std::size_t take = options.limit > 0
                               ? std::min<std::size_t>(view.size(), static_cast<std::size_t>(options.limit))
                               : view.size();
  list_page page;
  page.items.reserve(take);
  for (std::size_t i = 0; i < take; ++i) page.items.push_back(view[i].second);
  page.metadata = {{"resourceVersion", std::to_string(snapshot)}};
  if (take < view.size()) {
    // The key is (metadata.namespace or "", metadata.name) of the last item returned.
    page.metadata["continue"] = encode_continue({snapshot, *view[take - 1].first});
    // Like the apiserver, the remaining count is only known without selectors.
    if (filter->empty()) page.metadata["remainingItemCount"] = view.size() - take;
  }
  return page;
}

result<json> store::list(const resource_kind& kind, std::string_view ns, const list_options& options) const {
  auto page = select(kind, ns, options);
  if (!page) return fail(page.error());
  json items = json::array();
  items.get_ref<json::array_t&>().reserve(page->items.size());
  // Stored text never carries apiVersion/kind: typed lists carry them once, not per item.
  for (const stored_object* item : page->items) items.push_back(json::parse(item->item_text()));
  return json{{"kind", kind.list_kind()},
              {"apiVersion", kind.api_version()},
              {"metadata", std::move(page->metadata)},
              {"items", std::move(items)}};
}

result<std::string> store::list_serialized(const resource_kind& kind, std::string_view ns,
                                           const list_options& options) const {
  auto page = select(kind, ns, options);
  if (!page) return fail(page.error());
  // The members in the order json::dump writes them (sorted keys), so the text equals list()->dump().
  const std::string api_version = json(kind.api_version()).dump();
  const std::string list_kind = json(kind.list_kind()).dump();
  const std::string metadata = page->metadata.dump();
  std::size_t size = api_version.size() + list_kind.size() + metadata.size() + 48;
  for (const stored_object* item : page->items) size += item->item_text().size() + 1;
  std::string out;
  out.reserve(size);
  out += R"({"apiVersion":)";
  out += api_version;
  out += R"(,"items":[)";
  for (std::size_t i = 0; i < page->items.size(); ++i) {
    if (i > 0) out += ',';
    out += page->items[i]->item_text();
  }
  out += R"(],"kind":)";
  out += list_kind;
  out += R"(,"metadata":)";
  out += metadata;
  out += '}';
  return out;
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

result<std::shared_ptr<watcher>> store::watch(const resource_kind& kind, std::string_view ns,
                                              const list_options& options) {
  auto filter = object_filter::parse(kind, options);
  if (!filter) return fail(filter.error());
  watch_entry entry;
  entry.source = &impl_->table_for(kind);
  entry.ns = kind.namespaced ? std::string(ns) : std::string();
  entry.filter = std::move(*filter);
  entry.bookmarks = options.allow_bookmarks;
  auto w = std::make_shared<watcher>();

  const auto& rv_text = options.resource_version;
  if (rv_text.empty() || rv_text == "0") {
    // Synthetic ADDED events for the current state, then live events.
    for (const auto& [key, obj] : entry.source->objects) {
      if (!entry.ns.empty() && key.first != entry.ns) continue;
      if (entry.filter.matches(key, *obj))
        w->pending.push_back(watch_event{"ADDED", obj->to_json(entry.filter.api_version, entry.filter.kind)});
    }
  } else {
    bool ok = false;
    const std::uint64_t from = parse_rv(rv_text, ok);
    if (!ok) return fail(api_error::bad_request(fmt::format("invalid resource version: {}", rv_text)));
    if (from < impl_->compacted_rv) {
      return fail(
          api_error::gone(fmt::format("too old resource version: {} ({})", from, impl_->compacted_rv + 1)));
    }
    for (const auto& e : impl_->history) {
      if (e.rv <= from || e.source != entry.source) continue;
      if (auto ev = filtered_event(entry, e)) w->pending.push_back(std::move(*ev));
    }
  }
  entry.target = w;
  impl_->watchers.push_back(std::move(entry));
  return w;
}

std::optional<std::chrono::system_clock::time_point> store::advance() {
  const auto now = impl_->clock();
  const std::string stamp = devenv::format_rfc3339(now);
  std::optional<std::chrono::system_clock::time_point> next;
  for (auto it = impl_->pending.begin(); it != impl_->pending.end();) {
    if (it->second.due > now) {
      next = next ? std::min(*next, it->second.due) : it->second.due;
      ++it;
      continue;
    }
    auto tit = impl_->tables.find(it->first.first);
    const auto& key = it->first.second;
    if (tit != impl_->tables.end()) {
      if (auto oit = tit->second.objects.find(key); oit != tit->second.objects.end()) {
        json object = oit->second->to_json(tit->second.api_version, tit->second.kind.kind);
        if (mark_ready(it->second.plural, object, stamp)) {
          ++impl_->rv;
          object["metadata"]["resourceVersion"] = std::to_string(impl_->rv);
          object_ptr prev = oit->second;
          impl_->commit(tit->second, "MODIFIED", key, prev, std::make_shared<const stored_object>(object));
        }
      }
    }
    it = impl_->pending.erase(it);
  }
  return next;
}

json store::bookmark(const resource_kind& kind) const {
  return {{"kind", kind.kind},
          {"apiVersion", kind.api_version()},
          {"metadata", {{"resourceVersion", current_resource_version()}}}};
}

void store::send_bookmarks() {
  for (auto it = impl_->watchers.begin(); it != impl_->watchers.end();) {
    auto w = it->target.lock();
    if (!w) {
      it = impl_->watchers.erase(it);
      continue;
    }
    if (it->bookmarks && !w->closed) {
      w->pending.push_back(watch_event{"BOOKMARK",
                                       {{"kind", it->filter.kind},
                                        {"apiVersion", it->filter.api_version},
                                        {"metadata", {{"resourceVersion", current_resource_version()}}}}});
      if (w->notify) w->notify();
    }
    ++it;
  }
}

std::string store::current_resource_version() const {
  return std::to_string(impl_->rv);
}

std::size_t store::object_count() const {
  std::size_t n = 0;
  for (const auto& [resource, t] : impl_->tables) n += t.objects.size();
  return n;
}

}  // namespace kubesim
