#include "lease/leader_tasks.h"

#include <spdlog/spdlog.h>

namespace devenv::lease {

leader_tasks::~leader_tasks() {
  stop();
}

void leader_tasks::add(std::string name, loop body) {
  std::lock_guard lock(mutex_);
  loops_.push_back({std::move(name), std::move(body)});
}

void leader_tasks::start() {
  std::lock_guard lock(mutex_);
  if (!threads_.empty()) return;
  stop_ = std::make_shared<std::atomic<bool>>(false);
  for (const auto& e : loops_) {
    threads_.emplace_back([flag = stop_, name = e.name, body = e.body] {
      try {
        body(*flag);
      } catch (const std::exception& ex) {
        spdlog::error("{} stopped: {}", name, ex.what());
      } catch (...) {
        spdlog::error("{} stopped by an unknown exception", name);
      }
    });
  }
}

void leader_tasks::stop() {
  std::lock_guard lock(mutex_);
  if (threads_.empty()) return;
  *stop_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
}

bool leader_tasks::running() const {
  std::lock_guard lock(mutex_);
  return !threads_.empty();
}

}  // namespace devenv::lease
