// store internals, shared by the store's translation units only (store.cc: reads and writes by name;
// store_impl.cc: the write pipeline; store_list.cc: LIST snapshots and paging; store_watch.cc: watches,
// bookmarks and the simulated readiness clock). Not part of kube-sim's model API: include model/store.h.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/rfc3339.h"
#include "model/continue_token.h"
#include "model/patch.h"
#include "model/selector.h"
#include "model/store.h"
#include "model/stored_object.h"
#include "model/validation.h"
#include "model/workload_status.h"

namespace kubesim::store_detail {

using object_ptr = std::shared_ptr<const stored_object>;
using object_key = std::pair<std::string, std::string>;  // (namespace, name): LIST order

inline constexpr const char* kModified =
    "the object has been modified; please apply your changes to the latest version and try again";

// "deployments.apps", "namespaces": how the apiserver names a resource in messages.
inline std::string qualified_resource(const resource_kind& kind) {
  return kind.group.empty() ? kind.resource : kind.resource + "." + kind.group;
}
// "Deployment.apps", "Namespace": how the apiserver names a kind in validation messages.
inline std::string qualified_kind(const resource_kind& kind) {
  return kind.group.empty() ? kind.kind : kind.kind + "." + kind.group;
}

// Where metadata.generation lives: bumped when this top-level field changes.
inline const char* generation_field(const resource_kind& kind) {
  const auto& r = kind.resource;
  if (r == "deployments" || r == "statefulsets" || r == "replicasets" || r == "cronjobs" || r == "jobs") {
    return "spec";
  }
  if (r == "mutatingwebhookconfigurations" || r == "validatingwebhookconfigurations") return "webhooks";
  return nullptr;
}

inline const json& field_or_null(const json& object, const char* key) {
  static const json null_value;
  if (!object.is_object()) return null_value;
  const auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

inline std::string string_field(const json& object, const char* key) {
  const auto& v = field_or_null(object, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

inline std::string meta_string(const json& object, const char* key) {
  return string_field(field_or_null(object, "metadata"), key);
}

inline std::uint64_t parse_rv(std::string_view text, bool& ok) {
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

// A simulated status transition due later: workloads becoming ready after the ready delay, and a running
// pod failing at its activeDeadlineSeconds.
struct pending_ready {
  enum class step { ready, deadline };
  std::chrono::system_clock::time_point due;
  std::string plural;
  step what = step::ready;
};

// The event a watch sees for one change, after its filters (the watch cache's transitions: an object that
// stops matching is DELETED for this watch, one that starts matching is ADDED).
inline std::optional<watch_event> filtered_event(const watch_entry& w, const history_entry& e) {
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

inline tl::unexpected<api_error> fail(api_error e) {
  return tl::unexpected(std::move(e));
}

}  // namespace kubesim::store_detail

namespace kubesim {

using namespace store_detail;

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
  void commit(table& t, const std::string& type, const object_key& key, object_ptr prev, object_ptr next);

  void dispatch(const history_entry& e);

  // metadata.labels and annotations must be maps of strings; label syntax as the apiserver checks it.
  result<void> validate_metadata(const resource_kind& kind, const json& object);

  // The body's apiVersion/kind, when present, must be this kind's.
  static result<void> check_type(const resource_kind& kind, const json& body);

  // `record` is false for dry runs: the status is computed but nothing is scheduled.
  void schedule_workload(const resource_kind& kind, const object_key& key, json& object, bool spec_changed,
                         bool record);

  enum class target { main, status };

  // PUT semantics shared by replace, patch and the subresources: `body` is the complete new object.
  result<json> update(const resource_kind& kind, std::string_view ns, std::string_view name, json body,
                      bool dry_run, target what);

  result<json> create(const resource_kind& kind, std::string_view ns, json object, bool dry_run);

  json remove_object(table& t, const object_key& key, const object_ptr& old);

  json scale_of(const resource_kind& kind, const json& object) const;
};

}  // namespace kubesim
