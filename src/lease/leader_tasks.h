// leader_tasks: the leader-only loops of a process (reconciler, timers), each a blocking function that
// returns once its stop flag is set, started on threads of their own when this replica starts leading and
// stopped (flag raised, threads joined) when it stops — the shape leader_elector's callbacks need. A new
// term gets a fresh flag, so a loop is never started with a flag already raised.
//
// Thread-safety: start(), stop() and running() may be called from any thread; calls are serialised.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace devenv::lease {

class leader_tasks {
 public:
  using loop = std::function<void(const std::atomic<bool>& stop)>;

  leader_tasks() = default;
  ~leader_tasks();
  leader_tasks(const leader_tasks&) = delete;
  leader_tasks& operator=(const leader_tasks&) = delete;

  // Registers a loop (before the first start()). An exception escaping a loop is logged; the loop is not
  // restarted until the next term.
  void add(std::string name, loop body);
  // Starts every loop; no-op while running.
  void start();
  // Raises the flag and joins every loop; no-op when stopped.
  void stop();
  bool running() const;

 private:
  struct entry {
    std::string name;
    loop body;
  };
  mutable std::mutex mutex_;
  std::vector<entry> loops_;
  std::shared_ptr<std::atomic<bool>> stop_;  // this term's flag
  std::vector<std::thread> threads_;
};

}  // namespace devenv::lease
