// The one way to include Boost.Asio and Beast in this project.
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>; GCC 12 needs it first.
#pragma once

// clang-format off
#include <utility>
// clang-format on

#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace devenv {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
}  // namespace devenv
