// Faults kube-sim injects on request, for testing clients against a misbehaving API server: added latency
// (fixed + uniform jitter), per-verb error rates with a code (500, 503, or 429 with Retry-After), forcing
// the next N writes (update/patch) to a path pattern to answer 409 Conflict, and dropping watches (all at
// once now, or each one a fixed time after it opened). Configured from flags and through /_sim/faults as
// JSON. Randomness comes from a seeded generator so a run is reproducible. Not thread-safe: the server
// uses it from its one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "model/api_error.h"

namespace kubesim {

struct error_fault {
  double rate = 0;                      // 0..1
  int code = 500;                       // 500, 503 or 429
  std::chrono::seconds retry_after{1};  // 429 only
};

struct conflict_fault {
  std::string path_pattern;  // glob over the request path, '*' matches any run of characters
  int remaining = 0;
};

// What to do to one request.
struct fault_decision {
  std::chrono::milliseconds latency{0};
  std::optional<api_error> error;
  std::optional<std::chrono::seconds> retry_after;  // set with a 429
};

class fault_injector {
 public:
  explicit fault_injector(std::uint64_t seed = 1) : random_(seed) {}

  // Applies a JSON configuration (see tools/kube-sim/README.md); keys not present are left as they are.
  // {"latency": {"fixedMs": 50, "jitterMs": 20},
  //  "errors": {"get": {"rate": 0.5, "code": 503}, "*": {...}},
  //  "conflicts": [{"path": "/apis/apps/v1/namespaces/*/deployments/*", "count": 2}],
  //  "dropWatches": {"now": true, "afterSeconds": 5}}
  result<void> configure(const nlohmann::json& config);
  void reset();
  nlohmann::json to_json() const;

  // Decides latency and error for a Kubernetes request; `verb` is get/list/watch/create/update/patch/...
  // Consumes one forced conflict when the write matches.
  fault_decision decide(std::string_view verb, std::string_view path);

  // Bumped by {"dropWatches": {"now": true}}; a watch that saw an older generation ends.
  std::uint64_t drop_generation() const { return drop_generation_; }
  // Set by {"dropWatches": {"afterSeconds": N}}: every watch ends N seconds after it opened (0: off).
  std::optional<std::chrono::seconds> watch_lifetime() const { return watch_lifetime_; }

  static bool glob_match(std::string_view pattern, std::string_view text);

 private:
  std::chrono::milliseconds latency_{0};
  std::chrono::milliseconds jitter_{0};
  std::map<std::string, error_fault, std::less<>> errors_;  // by verb; "*" for every verb
  std::vector<conflict_fault> conflicts_;
  std::uint64_t drop_generation_ = 0;
  std::optional<std::chrono::seconds> watch_lifetime_;
  std::mt19937_64 random_;
};

}  // namespace kubesim
