#include "model/patch.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/yaml_json.h"

namespace kubesim {
namespace {

using json = nlohmann::json;

// Lists whose elements the strategic merge patch merges by key (the patchMergeKey of the core types we
// serve); every other list is replaced as in a merge patch.
std::string merge_key_for(std::string_view field, const json& sample) {
  if (field == "containers" || field == "initContainers" || field == "ephemeralContainers" ||
      field == "volumes" || field == "env" || field == "imagePullSecrets" || field == "webhooks") {
    return "name";
  }
  if (field == "volumeMounts") return "mountPath";
  if (field == "volumeDevices") return "devicePath";
  if (field == "conditions") return "type";
  if (field == "ownerReferences") return "uid";
  if (field == "hostAliases") return "ip";
  if (field == "ports")
    return sample.is_object() && sample.contains("containerPort") ? "containerPort" : "port";
  return "";
}

tl::unexpected<api_error> bad(std::string message) {
  return tl::unexpected(api_error::bad_request(message));
}

result<json> strategic(json target, const json& patch);

result<json> merge_list(std::string_view field, json current, const json& patch) {
  // {"$patch": "replace"} inside a list replaces it with the other elements.
  json elements = json::array();
  bool replace = false;
  for (const auto& e : patch) {
    if (e.is_object() && e.contains("$patch") && e.size() == 1) {
      if (e["$patch"] != "replace")
        return bad(fmt::format("unknown list directive in {}: {}", field, e.dump()));
      replace = true;
    } else {
      elements.push_back(e);
    }
  }
  if (field == "finalizers" && !replace && current.is_array()) {  // patchStrategy merge on a primitive list
    for (const auto& e : elements) {
      if (std::find(current.begin(), current.end(), e) == current.end()) current.push_back(e);
    }
    return current;
  }
  const std::string key = elements.empty() ? "" : merge_key_for(field, elements.front());
  const bool keyed = !replace && !key.empty() && current.is_array() &&
                     std::all_of(elements.begin(), elements.end(),
                                 [&](const json& e) { return e.is_object() && e.contains(key); });
  if (!keyed) {
    for (const auto& e : elements) {
      if (e.is_object() && e.contains("$patch"))
        return bad(fmt::format("$patch directive not supported in list {}", field));
    }
    return elements;
  }
  for (const auto& e : elements) {
    auto it = std::find_if(current.begin(), current.end(), [&](const json& c) {
      return c.is_object() && c.contains(key) && c[key] == e[key];
    });
    const std::string directive =
        e.contains("$patch") && e["$patch"].is_string() ? e["$patch"].get<std::string>() : "";
    if (directive == "delete") {
      if (it != current.end()) current.erase(it);
      continue;
    }
    if (!directive.empty() && directive != "merge" && directive != "replace") {
      return bad(fmt::format("unknown patch directive {} in list {}", directive, field));
    }
    if (directive == "replace") {
      json copy = e;
      copy.erase("$patch");
      if (it != current.end())
        *it = copy;
      else
        current.push_back(copy);
      continue;
    }
    if (it == current.end()) {
      auto merged = strategic(json::object(), e);
      if (!merged) return merged;
      current.push_back(std::move(*merged));
    } else {
      auto merged = strategic(*it, e);
      if (!merged) return merged;
      *it = std::move(*merged);
    }
  }
  return current;
}

// Applies a strategic patch map to `target`; a null result with `deleted` means `$patch: delete`.
result<json> strategic(json target, const json& patch) {
  if (!patch.is_object()) return patch;
  if (!target.is_object()) target = json::object();
  if (auto d = patch.find("$patch"); d != patch.end()) {
    if (*d == "delete") return json(nullptr);
    if (*d == "replace") {
      json copy = patch;
      copy.erase("$patch");
      return copy;
    }
    if (*d != "merge") return bad(fmt::format("unknown patch directive: {}", d->dump()));
  }
  if (auto r = patch.find("$retainKeys"); r != patch.end()) {
    if (!r->is_array()) return bad("$retainKeys must be a list of strings");
    for (auto it = target.begin(); it != target.end();) {
      if (std::find(r->begin(), r->end(), it.key()) == r->end())
        it = target.erase(it);
      else
        ++it;
    }
  }
  for (const auto& [k, v] : patch.items()) {
    if (k == "$patch" || k == "$retainKeys" || k.rfind("$setElementOrder/", 0) == 0) continue;
    if (k.rfind("$deleteFromPrimitiveList/", 0) == 0) {
      const std::string field = k.substr(std::string_view("$deleteFromPrimitiveList/").size());
      if (auto t = target.find(field); t != target.end() && t->is_array() && v.is_array()) {
        json kept = json::array();
        for (const auto& e : *t) {
          if (std::find(v.begin(), v.end(), e) == v.end()) kept.push_back(e);
        }
        *t = std::move(kept);
      }
      continue;
    }
    if (!k.empty() && k[0] == '$')
      return bad(fmt::format("unsupported strategic merge patch directive: {}", k));
    if (v.is_null()) {
      target.erase(k);
    } else if (v.is_object()) {
      const bool deletes = v.contains("$patch") && v["$patch"] == "delete";
      if (deletes) {
        target.erase(k);
        continue;
      }
      auto merged = strategic(target.contains(k) ? target[k] : json(nullptr), v);
      if (!merged) return merged;
      target[k] = std::move(*merged);
    } else if (v.is_array()) {
      auto merged = merge_list(k, target.contains(k) ? target[k] : json(nullptr), v);
      if (!merged) return merged;
      target[k] = std::move(*merged);
    } else {
      target[k] = v;
    }
  }
  return target;
}

}  // namespace

json apply_merge_patch(json target, const json& patch) {
  target.merge_patch(patch);
  return target;
}

result<json> apply_strategic_merge_patch(json target, const json& patch) {
  if (!patch.is_object()) return bad("strategic merge patch must be a JSON object");
  return strategic(std::move(target), patch);
}

result<json> apply_json_patch(const json& target, const json& patch) {
  if (!patch.is_array()) {
    return bad("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  }
  for (const auto& op : patch) {
    if (!op.is_object()) return bad("json: cannot unmarshal into Go value of type jsonpatch.Operation");
  }
  try {
    return target.patch(patch);
  } catch (const json::exception& e) {
    // kube-apiserver answers 422 with a generic message when an operation fails; keep the detail as a cause.
    api_error err;
    err.code = 422;
    err.reason = "Invalid";
    err.message = "the server rejected our request due to an error in our request";
    err.details = {
        {"causes",
         json::array({{{"reason", "FieldValueInvalid"}, {"message", e.what()}, {"field", "patch"}}})}};
    return tl::unexpected(std::move(err));
  }
}

result<json> apply_patch(const json& target, patch_type type, std::string_view body) {
  json patch;
  if (type == patch_type::apply) {
    auto docs = devenv::parse_yaml_documents(body);
    if (!docs) return bad(docs.error().message);
    if (docs->size() != 1 || !docs->front().is_object())
      return bad("apply patch must be a single YAML or JSON object");
    patch = std::move(docs->front());
  } else {
    try {
      patch = json::parse(body);
    } catch (const json::exception& e) {
      return bad(fmt::format("error decoding patch: {}", e.what()));
    }
  }
  switch (type) {
    case patch_type::merge:
    case patch_type::apply:
      if (!patch.is_object()) return bad("merge patch must be a JSON object");
      return apply_merge_patch(target, patch);
    case patch_type::strategic_merge:
      return apply_strategic_merge_patch(target, patch);
    case patch_type::json_patch:
      return apply_json_patch(target, patch);
  }
  return bad("unknown patch type");
}

}  // namespace kubesim
