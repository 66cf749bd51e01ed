// A TCP proxy between devenv-scaler and kube-sim that breaks the network on request: it drops connections
// (before a request is forwarded, or after kube-sim has answered — the case where a write happened but the
// client never learns it) with a seeded probability, and can refuse every connection for a while (the API
// server is unreachable). It forwards bytes without looking at them, so TLS passes through untouched.
// kube-sim injects latency and error answers itself; connection faults live here because they are the
// network's, not the API server's.
//
// Thread-safety: runs its own io_context on one thread; the setters may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace devenv::testing {

class fault_proxy {
 public:
  // Listens on 127.0.0.1:0 and forwards to 127.0.0.1:upstream_port.
  fault_proxy(std::uint16_t upstream_port, std::uint64_t seed);
  ~fault_proxy();
  fault_proxy(const fault_proxy&) = delete;
  fault_proxy& operator=(const fault_proxy&) = delete;

  std::uint16_t port() const;
  // Probability (0..1) that a chunk crossing the proxy ends its connection instead of being forwarded.
  void set_drop_rate(double rate);
  // Down: every open connection is cut and new ones are closed as soon as they are accepted.
  void set_down(bool down);
  // Connections cut by a fault so far (so a test can show the fault really happened).
  std::uint64_t dropped() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

// A copy of `kubeconfig_text` whose server URL port is replaced by `port`.
std::string kubeconfig_via_port(const std::string& kubeconfig_text, std::uint16_t from, std::uint16_t port);

}  // namespace devenv::testing
