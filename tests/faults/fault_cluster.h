// The world the fault tests run in: kube-sim seeded with random environments, devenv-scaler reaching it
// through a fault_proxy, and the checks of the one guarantee that matters (every workload ends at exactly
// its original replica count, no `devenv-scaler/original-replicas` annotation left behind).
//
// The retry rule the tests hold devenv-scaler to (docs/benchmarks.md, "Faults"): an operation on an
// environment is repeated while its answer is not 200 (a 207 partial failure, a 5xx, or a transport error),
// at most `max_rounds` times, all pending environments once per round; repeating must converge within that
// bound while the faults stay on. A 4xx other than 409/429 is a failure at once (bad input never converges).
//
// Not thread-safe except converge(), which runs its requests on several threads itself.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "faults/fault_proxy.h"
#include "http/curl_client.h"
#include "support/process.h"

namespace devenv::testing {

struct random_workload {
  std::string kind;  // "deployment" or "statefulset"
  std::string name;
  int replicas = 0;
  bool excluded = false;
};

// namespace → its workloads.
using environment_set = std::map<std::string, std::vector<random_workload>>;

// `count` environments named <prefix>1..N, each with 1..5 workloads of both kinds, replica counts 0..5
// (about a fifth at 0) and an occasional excluded workload.
environment_set random_environments(std::mt19937_64& random, int count, const std::string& prefix);
// kube-sim seed manifests (model/seed.h) for them.
std::string seed_manifest(const environment_set& environments);

// What kube-sim holds for one workload.
struct observed_workload {
  int replicas = 0;
  int saved = -1;  // the original-replicas annotation, -1 when absent
};

struct converge_result {
  int rounds = 0;                             // rounds used
  std::map<std::string, std::string> failed;  // namespace → last answer, for those that never got a 200
  int partial_answers = 0;                    // 207s and errors seen on the way (evidence the faults bit)
};

class fault_cluster {
 public:
  // Starts kube-sim (with `kube_sim_args`) seeded with `environments`, a fault_proxy in front of it, and
  // devenv-scaler against the proxy.
  fault_cluster(const std::filesystem::path& dir, const environment_set& environments, std::uint64_t seed,
                std::vector<std::string> kube_sim_args = {});

  bool ready() const;
  std::string failure_log();  // both processes' logs, for assertion messages
  fault_proxy& proxy() { return *proxy_; }
  kube_sim_process& sim() { return *sim_; }
  scaler_process& scaler() { return *scaler_; }
  // SIGKILLs devenv-scaler and starts a new one in a fresh folder.
  bool restart_scaler();

  // POST /_sim/faults (kube-sim's own faults) and DELETE it.
  bool set_sim_faults(const std::string& json_body);
  bool clear_sim_faults();
  // kube-sim's next request index (GET /_sim/state), to find points in the middle of an operation.
  std::uint64_t sim_request_index();

  // "ns/kind/name" → state, read straight from kube-sim (not through the proxy; clear kube-sim's faults
  // first, they would hit these reads too).
  std::map<std::string, observed_workload> observe();

  // One REST call to devenv-scaler: {HTTP status or 0 on a transport failure, body}.
  std::pair<long, std::string> call(const std::string& method, const std::string& path,
                                    const std::string& token = "admin-token-0123456789");
  std::pair<long, std::string> call_at(const std::string& base_url, const std::string& method,
                                       const std::string& path, const std::string& token);
  // POST /api/v1/environments/<ns>/<action> for every namespace, repeated per the retry rule above.
  // Uses the devenv-scaler of the moment it starts: restart_scaler() may run meanwhile on another thread,
  // and the requests then in flight fail like a client's would.
  converge_result converge(const std::string& action, const std::vector<std::string>& namespaces,
                           int max_rounds);

 private:
  std::filesystem::path dir_;
  int scaler_generation_ = 0;
  http::curl_client client_;
  std::unique_ptr<kube_sim_process> sim_;
  std::unique_ptr<fault_proxy> proxy_;
  std::filesystem::path proxied_kubeconfig_;
  std::unique_ptr<scaler_process> scaler_;

  void start_scaler();
  http::client_request sim_request(const std::string& method, const std::string& path) const;
};

// Human-readable differences between what kube-sim holds and the expectation; empty when it matches.
// Stopped: every non-excluded workload with an original count > 0 is at 0 and saves exactly that count;
// workloads at 0 and excluded ones are untouched. Running: every workload at its original count, no
// annotation anywhere.
std::vector<std::string> differences_when_stopped(const environment_set& environments,
                                                  const std::map<std::string, observed_workload>& seen);
std::vector<std::string> differences_when_running(const environment_set& environments,
                                                  const std::map<std::string, observed_workload>& seen);

// Number of seeds to run: the environment variable when set (longer runs on demand), else `fallback`.
int seed_count(const char* variable, int fallback);

}  // namespace devenv::testing
