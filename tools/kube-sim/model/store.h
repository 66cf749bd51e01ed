// The object store at the heart of kube-sim: every object of every kind, a cluster-wide increasing
// resourceVersion, apiserver semantics (uid, creationTimestamp, generation, preconditions, namespace
// lifecycle), patches, selectors, pagination, watches and the simulated status of workloads.
// Objects are kept as compact JSON text (see stored_object.h); methods returning json parse it, and
// list_serialized() answers a LIST without building trees.
// Pure: no I/O and no clock of its own (time comes from the injected clock). Not thread-safe: the server
// calls it from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "model/api_error.h"
#include "model/resource_kind.h"

namespace kubesim {

using json = nlohmann::json;
using clock_fn = std::function<std::chrono::system_clock::time_point()>;

struct list_options {
  std::string label_selector;    // as in ?labelSelector=
  std::string field_selector;    // as in ?fieldSelector=
  std::int64_t limit = 0;        // 0: no limit
  std::string continue_token;    // as in ?continue=
  std::string resource_version;  // as in ?resourceVersion= (watch: start after this version)
  bool allow_bookmarks = false;  // watch only
};

enum class patch_type { merge, strategic_merge, json_patch, apply };

// One event for a watcher, as streamed to clients: {"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, "object":
// ...}.
struct watch_event {
  std::string type;
  json object;
};

// A live watch. The store appends matching events; the server drains them. `notify` (set by the server)
// is called after events are appended so an async writer can wake up.
class watcher {
 public:
  std::deque<watch_event> pending;
  std::function<void()> notify;
  // Set by the store when the watch must end. Like kube-apiserver, deleting a namespace does not end watches
  // on it (they receive DELETED events); nothing in the store currently ends a watch.
  bool closed = false;
};

struct store_options {
  std::chrono::milliseconds workload_ready_delay{1500};  // how long scaled pods take to become ready
  std::size_t watch_history = 10000;  // events kept for resuming watches; older → 410 Gone
};

class store {
 public:
  store(store_options options, clock_fn clock);
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  // ns is "" for cluster-scoped kinds and for LIST/WATCH across all namespaces.
  result<json> create(const resource_kind& kind, std::string_view ns, json object, bool dry_run);
  result<json> get(const resource_kind& kind, std::string_view ns, std::string_view name) const;
  result<json> list(const resource_kind& kind, std::string_view ns, const list_options& options) const;
  // The same LIST as compact JSON text, equal byte for byte to list(...)->dump(), built by joining the
  // stored text of the items: no JSON tree is made per item. What the server should answer a LIST with.
  result<std::string> list_serialized(const resource_kind& kind, std::string_view ns,
                                      const list_options& options) const;
  // PUT: a metadata.resourceVersion in the body is a precondition.
  result<json> replace(const resource_kind& kind, std::string_view ns, std::string_view name, json object,
                       bool dry_run);
  // PATCH: a metadata.resourceVersion in a merge patch is a precondition.
  result<json> patch(const resource_kind& kind, std::string_view ns, std::string_view name, patch_type type,
                     std::string_view body, bool dry_run);
  // DELETE: returns the deleted object (a namespace: itself, everything in it removed).
  result<json> remove(const resource_kind& kind, std::string_view ns, std::string_view name, bool dry_run);

  // Subresources: status (GET/PUT/PATCH) and scale (autoscaling/v1 Scale, GET/PUT/PATCH).
  result<json> get_subresource(const resource_kind& kind, std::string_view ns, std::string_view name,
                               std::string_view subresource) const;
  result<json> update_subresource(const resource_kind& kind, std::string_view ns, std::string_view name,
                                  std::string_view subresource, std::optional<patch_type> patch,
                                  std::string_view body, bool dry_run);

  // Starts a watch from options.resource_version (or "now"); 410 Gone when that version is too old.
  result<std::shared_ptr<watcher>> watch(const resource_kind& kind, std::string_view ns,
                                         const list_options& options);

  // Moves simulated workload status towards spec (after the ready delay); emits MODIFIED events.
  // Returns the earliest time something will change next, if anything is pending.
  std::optional<std::chrono::system_clock::time_point> advance();

  // A BOOKMARK event's object for `kind`: {"kind","apiVersion","metadata":{"resourceVersion": current}}.
  json bookmark(const resource_kind& kind) const;
  // Appends a BOOKMARK event to every live watch that asked for bookmarks (allow_bookmarks).
  void send_bookmarks();

  std::string current_resource_version() const;
  std::size_t object_count() const;

 private:
  struct impl;
  struct list_page;
  // Selection and paging shared by list() and list_serialized().
  result<list_page> select(const resource_kind& kind, std::string_view ns, const list_options& options) const;

  std::unique_ptr<impl> impl_;
};

}  // namespace kubesim
