#include "core/offload.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace devenv {
namespace {

TEST(Offload, RunsOnThePoolAndResumesOnTheCaller) {
  net::io_context io;
  net::thread_pool pool(2);
  std::thread::id io_thread, worker_thread, resumed_thread;
  int value = 0;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        io_thread = std::this_thread::get_id();
        value = co_await offload(pool, [&] {
          worker_thread = std::this_thread::get_id();
          return 42;
        });
        resumed_thread = std::this_thread::get_id();
      },
      net::detached);
  io.run();
  pool.join();
  EXPECT_EQ(value, 42);
  EXPECT_NE(worker_thread, io_thread);
  EXPECT_EQ(resumed_thread, io_thread);
}

TEST(Offload, PropagatesExceptions) {
  net::io_context io;
  net::thread_pool pool(1);
  std::string caught;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        try {
          co_await offload(pool, []() -> int { throw std::runtime_error("bad"); });
        } catch (const std::runtime_error& e) {
          caught = e.what();
        }
      },
      net::detached);
  io.run();
  pool.join();
  EXPECT_EQ(caught, "bad");
}

}  // namespace
}  // namespace devenv
