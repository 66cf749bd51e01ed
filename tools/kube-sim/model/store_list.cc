// LIST: a consistent snapshot at a resourceVersion (current objects with later changes undone from the
// history), selectors, limit/continue paging, and the two renderings (tree and serialized text).
#include "model/store_internals.h"

namespace kubesim {

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

}  // namespace kubesim
