// leader_tasks: loops start with a fresh flag each term and are joined on stop.
#include "lease/leader_tasks.h"

#include <gtest/gtest.h>

namespace devenv::lease {
namespace {

TEST(LeaderTasks, EachTermStartsEveryLoopWithAFreshFlagAndStopJoinsThem) {
  leader_tasks tasks;
  std::atomic<int> started{0};
  std::atomic<int> finished{0};
  for (const char* name : {"reconciler", "reset"}) {
    tasks.add(name, [&](const std::atomic<bool>& stop) {
      ++started;
      while (!stop.load()) std::this_thread::yield();
      ++finished;
    });
  }
  EXPECT_FALSE(tasks.running());
  for (int term = 1; term <= 3; ++term) {
    tasks.start();
    tasks.start();  // idempotent: no second set of threads
    EXPECT_TRUE(tasks.running());
    tasks.stop();  // returns only once every loop has returned
    EXPECT_EQ(finished.load(), 2 * term);
    EXPECT_EQ(started.load(), 2 * term);
    EXPECT_FALSE(tasks.running());
  }
  tasks.stop();  // idempotent
}

TEST(LeaderTasks, AThrowingLoopIsContained) {
  leader_tasks tasks;
  tasks.add("broken", [](const std::atomic<bool>&) { throw std::runtime_error("boom"); });
  tasks.start();
  tasks.stop();
  EXPECT_FALSE(tasks.running());
}

}  // namespace
}  // namespace devenv::lease
