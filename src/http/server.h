// An HTTP/1.1 server (Boost.Beast, C++20 coroutines) with optional TLS, keep-alive, limits on header and
// body size, per-phase timeouts, a connection cap, chunked streaming responses and graceful shutdown.
// Runs on the io_context it is given; all of its state is touched only from that context's thread(s) through
// one strand, so it needs no locks. Handlers run on that context too: offload blocking work (see offload.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/net.h"
#include "http/message.h"
#include "http/tls_context.h"

namespace devenv::http {

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;                   // 0: pick a free port (see server::port())
  std::size_t max_body_bytes = 1 << 20;     // larger bodies get 413
  std::size_t max_header_bytes = 16 << 10;  // larger headers get 431
  std::chrono::seconds header_timeout{10};  // whole request header must arrive within this (slowloris)
  std::chrono::seconds body_timeout{30};    // body must arrive within this after the header
  std::chrono::seconds idle_timeout{60};    // keep-alive connection with no request is closed after this
  std::chrono::seconds write_timeout{30};  // one response (or one streamed chunk) must be written within this
  std::size_t max_connections = 4096;      // further connections are closed at once
  std::shared_ptr<tls_context> tls;        // null: plain HTTP
};

class server {
 public:
  server(net::io_context& io, server_options options, handler on_request);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and starts accepting. Throws boost::system::system_error when the address cannot be bound.
  void start();
  std::uint16_t port() const;

  // Graceful shutdown: stop accepting, close idle connections, let in-flight requests finish and end streams;
  // after `drain` every remaining connection is closed. The io_context runs out of work once all are gone.
  void stop(std::chrono::milliseconds drain = std::chrono::seconds(10));

  std::size_t open_connections() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace devenv::http
