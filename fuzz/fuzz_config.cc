// libFuzzer target: the service's YAML configuration file through parse_config (with no environment
// variables). Invariants: never throws or crashes; a failure says why.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/config.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto no_env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  const auto parsed = devenv::app::parse_config(text, no_env);
  if (!parsed) check(!parsed.error().message.empty());
  return 0;
}
