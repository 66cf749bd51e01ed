#include "inventory/dynamodb_item.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace devenv::inventory {

using json = nlohmann::json;
using std::chrono::milliseconds;

namespace {

// The attribute value `name` of `item` when it is {"<type>": <string>}, else null.
const json* typed_attribute(const json& item, const char* name, const char* type) {
  if (!item.is_object()) return nullptr;
  const auto it = item.find(name);
  if (it == item.end() || !it->is_object()) return nullptr;
  const auto value = it->find(type);
  if (value == it->end() || !value->is_string()) return nullptr;
  return &*value;
}

}  // namespace

std::int64_t to_ms(time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

time_point from_ms(std::int64_t ms) {
  // Beyond what a time_point holds (about ±292 years around 1970 in nanoseconds): unknown, not an overflow.
  constexpr auto limit = std::chrono::duration_cast<milliseconds>(time_point::duration::max()).count();
  if (ms > limit || ms < -limit) return time_point{};
  return time_point(std::chrono::duration_cast<time_point::duration>(milliseconds(ms)));
}

json s_value(const std::string& v) {
  return {{"S", v}};
}

json n_value(std::int64_t v) {
  return {{"N", std::to_string(v)}};
}

std::string read_s(const json& item, const char* name) {
  const json* v = typed_attribute(item, name, "S");
  return v != nullptr ? v->get<std::string>() : std::string();
}

std::int64_t read_n(const json& item, const char* name) {
  const json* v = typed_attribute(item, name, "N");
  if (v == nullptr) return 0;
  const auto& text = v->get_ref<const std::string&>();
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size() ? n : 0;
}

std::string sort_key(std::int64_t generation, const resource& r) {
  return fmt::format("{}#{}#{}", generation, to_string(r.kind), r.id);
}

json to_item(const std::string& env, std::int64_t generation, const resource& r) {
  json item = {{"environment", s_value(env)},
               {"resource", s_value(sort_key(generation, r))},
               {"generation", n_value(generation)},
               {"kind", s_value(std::string(to_string(r.kind)))},
               {"id", s_value(r.id)},
               {"seen_at", n_value(to_ms(r.seen_at))}};
  // Empty strings are left out: older DynamoDB implementations refuse them.
  if (!r.type.empty()) item["type"] = s_value(r.type);
  if (!r.state.empty()) item["state"] = s_value(r.state);
  json tags = json::object();
  for (const auto& [k, v] : r.tags) {
    if (!k.empty() && !v.empty()) tags[k] = s_value(v);
  }
  if (!tags.empty()) item["tags"] = {{"M", tags}};
  return item;
}

std::optional<resource> from_item(const json& item) {
  const auto kind = parse_resource_kind(read_s(item, "kind"));
  if (!kind) return std::nullopt;
  resource r;
  r.kind = *kind;
  r.id = read_s(item, "id");
  r.type = read_s(item, "type");
  r.state = read_s(item, "state");
  r.seen_at = from_ms(read_n(item, "seen_at"));
  const auto tags = item.find("tags");
  if (tags != item.end() && tags->is_object()) {
    const auto map = tags->find("M");
    if (map != tags->end() && map->is_object()) {
      for (const auto& [k, v] : map->items()) {
        const std::string value = read_s(json{{"v", v}}, "v");
        if (!value.empty()) r.tags[k] = value;
      }
    }
  }
  return r;
}

bool same_resources(const environments& a, const environments& b) {
  const auto same = [](resource x, const resource& y) {
    x.seen_at = y.seen_at;
    return x == y;
  };
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
    if (ia->first != ib->first || ia->second.size() != ib->second.size()) return false;
    if (!std::equal(ia->second.begin(), ia->second.end(), ib->second.begin(), same)) return false;
  }
  return true;
}

std::vector<std::string> listed_environments(const json& meta) {
  std::vector<std::string> out;
  if (!meta.is_object()) return out;
  const auto attribute = meta.find("environments");
  if (attribute == meta.end() || !attribute->is_object()) return out;
  const auto list = attribute->find("L");
  if (list == attribute->end() || !list->is_array()) return out;
  for (const auto& entry : *list) {
    std::string name = read_s(json{{"v", entry}}, "v");
    if (!name.empty()) out.push_back(std::move(name));
  }
  return out;
}

}  // namespace devenv::inventory
