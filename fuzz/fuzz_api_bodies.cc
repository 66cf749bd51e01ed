// libFuzzer target: the REST API's JSON request bodies (stop/start, prolong, support pod) through the parsers
// of api/request_bodies.h; each input is tried as every kind of body. Invariants: never throws; a refusal is
// invalid_argument with a message; an accepted body is within the documented bounds (a reason of at most 200
// characters, a positive duration within max_duration, a support pod with a name) and written back as the
// JSON the API documents it parses to the same value.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/request_bodies.h"
#include "core/duration.h"

namespace {

using json = nlohmann::json;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

template <class T>
void check_refusal(const devenv::result<T>& r) {
  check(r.error().code == devenv::errc::invalid_argument && !r.error().message.empty());
}

std::size_t code_points(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
  return n;
}

// dump() throws on invalid UTF-8: an accepted string must be valid, since the parser validated it.
std::string write(const json& j) {
  return j.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace devenv::api;
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  if (const auto action = parse_action_body(body); action) {
    check(code_points(action->reason) <= max_reason_chars);
    check(parse_action_body(write({{"reason", action->reason}})) == *action);
  } else {
    check_refusal(action);
    check(body.find_first_not_of(" \t\r\n") != std::string_view::npos);  // a blank body is always fine
  }

  if (const auto prolong = parse_prolong_body(body); prolong) {
    check(prolong->duration.count() > 0 && prolong->duration <= devenv::max_duration);
    json j = {{"duration", std::to_string(prolong->duration.count()) + "m"}};
    if (!prolong->reason.empty()) j["reason"] = prolong->reason;
    check(parse_prolong_body(write(j)) == *prolong);
  } else {
    check_refusal(prolong);
  }

  if (const auto pod = parse_support_pod_body(body); pod) {
    json j = {{"name", pod->name}};
    if (!pod->size.empty()) j["size"] = pod->size;
    check(parse_support_pod_body(write(j)) == *pod);
  } else {
    check_refusal(pod);
  }
  return 0;
}
