#include "env/kube_workload_store.h"

#include <fmt/format.h>

#include <exception>

#include "core/rfc3339.h"
#include "env/workload_json.h"
#include "kube/client.h"
#include "kube/paths.h"

namespace devenv::env {
namespace {

using json = nlohmann::json;

kube::resource resource_of(workload_kind kind) {
  return kind == workload_kind::deployment ? kube::resource::deployments : kube::resource::statefulsets;
}

// The edge where exceptions become values: a non-UTF-8 string in a patch makes json::dump throw, for one.
template <class Fn>
auto guarded(std::string_view what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const json::exception& e) {
    return fail(errc::invalid_argument, fmt::format("{}: {}", what, e.what()));
  } catch (const std::exception& e) {
    return fail(errc::internal, fmt::format("{}: {}", what, e.what()));
  }
}

// Cuts `text` to at most `limit` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

}  // namespace

json event_object(std::string_view ns, const event_record& event) {
  constexpr std::size_t max_message = 1024;
  const std::string time = format_rfc3339(event.time);
  return json{{"apiVersion", "v1"},
              {"kind", "Event"},
              {"metadata", {{"generateName", "devenv-scaler-"}, {"namespace", ns}}},
              {"involvedObject", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"name", ns}}},
              {"reason", event.reason},
              {"message", cut_utf8(event.message, max_message)},
              {"type", event.type == event_type::normal ? "Normal" : "Warning"},
              {"firstTimestamp", time},
              {"lastTimestamp", time},
              {"count", 1},
              {"source", {{"component", "devenv-scaler"}}},
              {"reportingComponent", "devenv-scaler"}};
}

result<std::vector<workload>> kube_workload_store::list_workloads(std::string_view ns) {
  return guarded("list workloads", [&]() -> result<std::vector<workload>> {
    std::vector<workload> out;
    for (auto kind : {workload_kind::deployment, workload_kind::statefulset}) {
      auto list = client_.list_all(kube::collection_path(resource_of(kind), ns));
      if (!list) return tl::unexpected(list.error());
      for (const auto& item : list->value("items", json::array())) {
        // An object the API server accepted always decodes; if one does not, failing the list is safer
        // than leaving it out of a stop and reporting success.
        auto w = workload_from_json(kind, item);
        if (!w) return tl::unexpected(w.error());
        out.push_back(std::move(*w));
      }
    }
    return out;
  });
}

result<workloads_by_namespace> kube_workload_store::list_all_workloads() {
  return guarded("list all workloads", [&]() -> result<workloads_by_namespace> {
    workloads_by_namespace out;
    for (auto kind : {workload_kind::deployment, workload_kind::statefulset}) {
      auto list = client_.list_all(kube::collection_path(resource_of(kind)));
      if (!list) return tl::unexpected(list.error());
      for (const auto& item : list->value("items", json::array())) {
        const auto ns = item.value("/metadata/namespace"_json_pointer, std::string{});
        auto& entry = out.try_emplace(ns, std::vector<workload>{}).first->second;
        if (!entry) continue;  // this namespace already failed
        // As in list_workloads: an object that does not decode fails its namespace, never silently skipped.
        auto w = workload_from_json(kind, item);
        if (w) {
          entry->push_back(std::move(*w));
        } else {
          entry = tl::unexpected(w.error());
        }
      }
    }
    return out;
  });
}

result<workload> kube_workload_store::get_workload(workload_kind kind, std::string_view ns,
                                                   std::string_view name) {
  return guarded("get workload", [&]() -> result<workload> {
    auto object = client_.get(kube::object_path(resource_of(kind), ns, name));
    if (!object) return tl::unexpected(object.error());
    return workload_from_json(kind, *object);
  });
}

result<workload> kube_workload_store::patch_workload(workload_kind kind, std::string_view ns,
                                                     std::string_view name, const json& merge_patch) {
  return guarded("patch workload", [&]() -> result<workload> {
    auto object = client_.merge_patch(kube::object_path(resource_of(kind), ns, name), merge_patch);
    if (!object) return tl::unexpected(object.error());
    return workload_from_json(kind, *object);
  });
}

result<namespace_info> kube_workload_store::get_namespace(std::string_view ns) {
  return guarded("get namespace", [&]() -> result<namespace_info> {
    auto object = client_.get(kube::namespace_path(ns));
    if (!object) {
      if (object.error().code == errc::not_found) return namespace_info{std::string(ns), false, {}, {}, {}};
      return tl::unexpected(object.error());
    }
    return namespace_from_json(*object);
  });
}

result<std::vector<namespace_info>> kube_workload_store::list_namespaces() {
  return guarded("list namespaces", [&]() -> result<std::vector<namespace_info>> {
    auto list = client_.list_all(kube::collection_path(kube::resource::namespaces));
    if (!list) return tl::unexpected(list.error());
    std::vector<namespace_info> out;
    for (const auto& item : list->value("items", json::array())) {
      auto info = namespace_from_json(item);
      if (!info) return tl::unexpected(info.error());
      out.push_back(std::move(*info));
    }
    return out;
  });
}

result<void> kube_workload_store::patch_namespace(std::string_view ns, const json& merge_patch) {
  return guarded("patch namespace", [&]() -> result<void> {
    auto object = client_.merge_patch(kube::namespace_path(ns), merge_patch);
    if (!object) return tl::unexpected(object.error());
    return {};
  });
}

result<void> kube_workload_store::create_event(std::string_view ns, const event_record& event) {
  return guarded("create event", [&]() -> result<void> {
    auto created = client_.create(kube::collection_path(kube::resource::events, ns), event_object(ns, event));
    if (!created) return tl::unexpected(created.error());
    return {};
  });
}

}  // namespace devenv::env
