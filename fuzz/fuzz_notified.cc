// libFuzzer target: the `devenv-scaler/notified` CronJob annotation (anyone with edit rights on the
// namespace can write it) through parse_notified. Invariants: never throws, and a parsed record written back
// with to_annotation parses to the same record.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "schedule/warning_plan.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace devenv::schedule;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const notified_record record = parse_notified(text);
  const auto written = to_annotation(record);
  check(parse_notified(written) == record);
  return 0;
}
