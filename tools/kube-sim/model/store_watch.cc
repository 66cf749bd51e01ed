// WATCH (synthetic ADDED from now, or replay from a resourceVersion in the history), bookmarks, and
// advance(): the simulated clock that marks workloads ready and fails pods at their deadline.
#include "model/store_internals.h"

namespace kubesim {

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
  std::vector<std::pair<std::pair<std::string, object_key>, pending_ready>> later;  // scheduled by this pass
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
        const bool changed = it->second.what == pending_ready::step::deadline
                                 ? fail_past_deadline(object, stamp)
                                 : mark_ready(it->second.plural, object, stamp);
        // A pod that started running with a deadline fails at it, as the kubelet does.
        if (it->second.what == pending_ready::step::ready && it->second.plural == "pods") {
          const auto deadline = pod_deadline(object);
          const auto phase = object["status"].value("phase", "");
          if (deadline && phase == "Running") {
            later.emplace_back(it->first, pending_ready{*deadline, "pods", pending_ready::step::deadline});
          }
        }
        if (changed) {
          ++impl_->rv;
          object["metadata"]["resourceVersion"] = std::to_string(impl_->rv);
          object_ptr prev = oit->second;
          impl_->commit(tit->second, "MODIFIED", key, prev, std::make_shared<const stored_object>(object));
        }
      }
    }
    it = impl_->pending.erase(it);
  }
  for (auto& [key, step] : later) {
    next = next ? std::min(*next, step.due) : step.due;
    impl_->pending[key] = std::move(step);
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
