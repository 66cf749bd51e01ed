// libFuzzer target: DynamoDB items and the "#meta" item as the inventory store reads them back
// (src/inventory/dynamodb_item.h). Any JSON must read without throwing; a resource read from an item must
// write back to an item that reads as the same resource.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "inventory/dynamodb_item.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace devenv::inventory;
  const auto item = nlohmann::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), nullptr,
                                          false);
  if (item.is_discarded()) return 0;
  for (const auto& env : listed_environments(item)) check(!env.empty());
  (void)read_n(item, "generation");
  if (const auto r = from_item(item)) {
    const auto again = from_item(to_item("env", read_n(item, "generation"), *r));
    check(again.has_value());
    // Empty tag values are not written (DynamoDB refuses empty strings in older versions): compare the rest.
    auto expected = *r;
    std::erase_if(expected.tags, [](const auto& kv) { return kv.first.empty() || kv.second.empty(); });
    check(*again == expected);
  }
  return 0;
}
