#include "model/seed.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "core/yaml_json.h"

namespace kubesim {
namespace {

struct manifest {
  std::string where;  // "document 2" or "document 2 items[0]"
  const resource_kind* kind = nullptr;
  json object;
};

tl::unexpected<api_error> failure(const std::string& where, std::string_view why) {
  return tl::unexpected(api_error::bad_request(fmt::format("{}: {}", where, why)));
}

result<void> collect(json doc, std::string where, std::vector<manifest>& out) {
  if (!doc.is_object()) return failure(where, "not a Kubernetes object (expected a mapping)");
  const std::string api_version = doc.value("apiVersion", "");
  const std::string kind = doc.value("kind", "");
  if (kind == "List" || (kind.size() > 4 && kind.ends_with("List") && doc.contains("items"))) {
    if (!doc["items"].is_array()) return failure(where, "items of a List must be a sequence");
    for (std::size_t i = 0; i < doc["items"].size(); ++i) {
      auto ok = collect(std::move(doc["items"][i]), fmt::format("{} items[{}]", where, i), out);
      if (!ok) return ok;
    }
    return {};
  }
  const resource_kind* k = find_kind_by_kind(api_version, kind);
  if (!k) return failure(where, fmt::format("unknown apiVersion/kind \"{}\" \"{}\"", api_version, kind));
  out.push_back(manifest{std::move(where), k, std::move(doc)});
  return {};
}

}  // namespace

result<std::size_t> seed_from_yaml(store& target, std::string_view yaml_text) {
  auto docs = devenv::parse_yaml_documents(yaml_text);
  if (!docs) return tl::unexpected(api_error::bad_request(docs.error().message));
  std::vector<manifest> manifests;
  for (std::size_t i = 0; i < docs->size(); ++i) {
    auto ok = collect(std::move((*docs)[i]), fmt::format("document {}", i), manifests);
    if (!ok) return tl::unexpected(ok.error());
  }
  std::stable_partition(manifests.begin(), manifests.end(),
                        [](const manifest& m) { return m.kind->resource == "namespaces"; });
  std::size_t created = 0;
  for (auto& m : manifests) {
    std::string ns;
    if (m.kind->namespaced) {
      const json& meta = m.object.contains("metadata") ? m.object["metadata"] : json();
      ns = meta.is_object() ? meta.value("namespace", "") : "";
      if (ns.empty()) ns = "default";
    }
    auto res = target.create(*m.kind, ns, std::move(m.object), false);
    if (!res) {
      if (m.kind->resource == "namespaces" && res.error().reason == "AlreadyExists") continue;
      return failure(m.where, res.error().message);
    }
    ++created;
  }
  return created;
}

}  // namespace kubesim
