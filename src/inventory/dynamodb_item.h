// The DynamoDB item layout of the inventory (docs/aws.md, "DynamoDB schema"): one item per environment and
// resource, keyed (environment, "<generation>#<kind>#<id>"), plus the "#meta" item naming the current
// generation and its environments. Pure: JSON attribute values in, values out. Reading is tolerant, as an
// item written by another version or by hand must not stop a server from starting: an attribute of an
// unexpected type reads as absent, an item without a known kind is skipped.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "inventory/resource.h"

namespace devenv::inventory {

std::int64_t to_ms(time_point t);
time_point from_ms(std::int64_t ms);  // the epoch (unknown) when `ms` is beyond what a time_point holds

nlohmann::json s_value(const std::string& v);  // {"S": v}
nlohmann::json n_value(std::int64_t v);        // {"N": "v"}
// The string (S) or integer (N) attribute `name` of `item`; "" / 0 when absent, of another type or unreadable.
std::string read_s(const nlohmann::json& item, const char* name);
std::int64_t read_n(const nlohmann::json& item, const char* name);

// "<generation>#<kind>#<id>": a generation's items share a prefix, so a Query by begins_with reads one.
std::string sort_key(std::int64_t generation, const resource& r);
nlohmann::json to_item(const std::string& env, std::int64_t generation, const resource& r);
// None when the item has no known kind.
std::optional<resource> from_item(const nlohmann::json& item);
// Whether two inventories hold the same resources, ignoring when each was seen (seen_at).
bool same_resources(const environments& a, const environments& b);
// The environment names of the "#meta" item (its "environments" list of S values), empty ones left out.
std::vector<std::string> listed_environments(const nlohmann::json& meta);

}  // namespace devenv::inventory
