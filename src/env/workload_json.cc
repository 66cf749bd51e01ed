#include "env/workload_json.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <string>

namespace devenv::env {
namespace {

using json = nlohmann::json;

const json* find_path(const json& object, std::initializer_list<const char*> keys) {
  const json* node = &object;
  for (const char* key : keys) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

std::optional<int> int_at(const json& object, std::initializer_list<const char*> keys) {
  const json* node = find_path(object, keys);
  if (node == nullptr || !node->is_number_integer()) return std::nullopt;
  auto value = node->get<long long>();
  if (value < 0 || value > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(value);
}

std::string string_at(const json& object, std::initializer_list<const char*> keys) {
  const json* node = find_path(object, keys);
  if (node == nullptr || !node->is_string()) return {};
  return node->get<std::string>();
}

std::map<std::string, std::string> string_map_at(const json& object,
                                                 std::initializer_list<const char*> keys) {
  std::map<std::string, std::string> out;
  const json* node = find_path(object, keys);
  if (node == nullptr || !node->is_object()) return out;
  for (const auto& [key, value] : node->items()) {
    if (value.is_string()) out.emplace(key, value.get<std::string>());
  }
  return out;
}

bool equals_true(std::string_view text) {
  return text.size() == 4 && std::equal(text.begin(), text.end(), "true", [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace

std::optional<int> parse_saved_replicas(std::string_view text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

result<workload> workload_from_json(workload_kind kind, const json& object) {
  if (!object.is_object()) return fail(errc::invalid_argument, "workload object is not a JSON object");
  workload w;
  w.kind = kind;
  w.name = string_at(object, {"metadata", "name"});
  if (w.name.empty()) {
    return fail(errc::invalid_argument, std::string(to_string(kind)) + " without metadata.name");
  }
  const json* replicas = find_path(object, {"spec", "replicas"});
  if (replicas == nullptr || replicas->is_null()) {
    w.replicas = 1;
  } else if (auto value = int_at(object, {"spec", "replicas"})) {
    w.replicas = *value;
  } else {
    return fail(errc::invalid_argument, std::string(to_string(kind)) + " " + w.name +
                                            ": spec.replicas is not a non-negative integer");
  }
  w.ready_replicas = int_at(object, {"status", "readyReplicas"}).value_or(0);
  w.updated_replicas = int_at(object, {"status", "updatedReplicas"}).value_or(0);
  auto generation = int_at(object, {"metadata", "generation"});
  auto observed = int_at(object, {"status", "observedGeneration"});
  w.status_current = !generation || (observed && *observed >= *generation);
  w.resource_version = string_at(object, {"metadata", "resourceVersion"});

  const json* annotations = find_path(object, {"metadata", "annotations"});
  if (annotations != nullptr && annotations->is_object()) {
    auto saved = annotations->find(std::string(original_replicas_annotation));
    if (saved != annotations->end()) {
      // A non-string value cannot come from the API server, but a fake or a future format might send one:
      // it is as unusable as garbage text, so it is reported, not guessed at.
      w.saved_annotation_raw = saved->is_string() ? saved->get<std::string>() : saved->dump();
      w.saved_replicas = saved->is_string() ? parse_saved_replicas(w.saved_annotation_raw) : std::nullopt;
      w.saved_annotation_invalid = !w.saved_replicas.has_value();
    }
    auto excluded = annotations->find(std::string(exclude_annotation));
    w.excluded = excluded != annotations->end() && excluded->is_string() &&
                 equals_true(excluded->get_ref<const std::string&>());
  }
  return w;
}

result<namespace_info> namespace_from_json(const json& object) {
  if (!object.is_object()) return fail(errc::invalid_argument, "namespace object is not a JSON object");
  namespace_info info;
  info.name = string_at(object, {"metadata", "name"});
  if (info.name.empty()) return fail(errc::invalid_argument, "namespace without metadata.name");
  info.exists = true;
  info.labels = string_map_at(object, {"metadata", "labels"});
  info.annotations = string_map_at(object, {"metadata", "annotations"});
  info.resource_version = string_at(object, {"metadata", "resourceVersion"});
  return info;
}

}  // namespace devenv::env
