// Runs blocking work (libcurl calls to Kubernetes, AWS, Slack) on a thread pool from inside a coroutine and
// resumes the coroutine on its own executor with the result, so the I/O thread never blocks.
//
// GCC 12 trap: a temporary with a non-trivial destructor inside a `co_await` expression that suspends can be
// destroyed twice (seen with a lambda capturing std::string by value: "free(): invalid pointer"). Pass
// lambdas that capture by reference (`[&]`, trivially destructible), or bind the callable to a named local
// before `co_await offload(pool, local)`.
#pragma once

#include <exception>
#include <optional>
#include <type_traits>

#include "core/net.h"

namespace devenv {

template <class F, class R = std::invoke_result_t<F>>
net::awaitable<R> offload(net::thread_pool& pool, F work) {
  auto executor = co_await net::this_coro::executor;
  std::optional<R> value;
  std::exception_ptr error;
  co_await net::async_initiate<const net::use_awaitable_t<>&, void()>(
      [&pool, &work, &value, &error, executor](auto handler) {
        net::post(pool, [&work, &value, &error, executor, handler = std::move(handler)]() mutable {
          try {
            value.emplace(work());
          } catch (...) {
            error = std::current_exception();
          }
          net::post(executor, std::move(handler));
        });
      },
      net::use_awaitable);
  if (error) std::rethrow_exception(error);
  co_return std::move(*value);
}

}  // namespace devenv
