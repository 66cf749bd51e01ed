#include "http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

namespace devenv::http {

namespace {

using tcp = net::ip::tcp;
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

request to_request(bhttp::request<bhttp::string_body>&& in, const std::string& remote, bool tls) {
  request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  const std::string_view target = out.target;
  const auto q = target.find('?');
  out.raw_path = std::string(target.substr(0, q));
  out.path = percent_decode(out.raw_path, false);
  if (q != std::string_view::npos) out.query = parse_query(target.substr(q + 1));
  for (const auto& field : in) out.headers.emplace(lower(field.name_string()), std::string(field.value()));
  out.body = std::move(in.body());
  out.remote_address = remote;
  out.tls = tls;
  return out;
}

bhttp::response<bhttp::string_body> simple_response(unsigned status, std::string_view message,
                                                    unsigned version) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), version};
  res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::connection, "close");
  res.body() =
      std::string(R"({"code":")") + std::string(message) + R"(","message":")" + std::string(message) + "\"}";
  res.prepare_payload();
  res.keep_alive(false);
  return res;
}

// After an error answer on a request whose body we refuse to read, the client may still be sending it.
// Closing at once would reset the connection before it reads our answer, so discard what arrives for a
// short while first (a "lingering close", as nginx and Apache do).
template <class Stream>
net::awaitable<void> linger(Stream& stream) {
  std::array<char, 16384> sink{};
  boost::system::error_code ec;
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
  std::size_t discarded = 0;
  while (!ec && discarded < (std::size_t{64} << 20)) {
    discarded +=
        co_await stream.async_read_some(net::buffer(sink), net::redirect_error(net::use_awaitable, ec));
  }
}

}  // namespace

struct server::impl : std::enable_shared_from_this<impl> {
  impl(net::io_context& io_in, server_options o, handler h)
      : io(io_in), options(std::move(o)), on_request(std::move(h)), acceptor(io_in), drain_timer(io_in) {}

  // One open connection: how to close it, and whether a request is being served on it.
  struct connection {
    std::function<void()> close;
    bool busy = false;
  };

  net::io_context& io;
  server_options options;
  handler on_request;
  tcp::acceptor acceptor;
  net::steady_timer drain_timer;
  bool stopping = false;
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, connection> connections;

  net::awaitable<void> accept_loop();
  template <class Stream>
  net::awaitable<void> serve(Stream& stream, std::uint64_t id, std::string remote, bool tls);
  net::awaitable<void> run_plain(tcp::socket socket, std::uint64_t id, std::string remote);
  net::awaitable<void> run_tls(tcp::socket socket, std::uint64_t id, std::string remote);

  void close_idle() {
    for (auto& [id, conn] : connections) {
      if (!conn.busy && conn.close) conn.close();
    }
  }
  void close_all() {
    for (auto& [id, conn] : connections) {
      if (conn.close) conn.close();
    }
  }
};

namespace {

template <class Stream>
class chunk_writer final : public stream_writer {
 public:
  chunk_writer(Stream& stream, const bool& server_stopping, std::chrono::seconds timeout)
      : stream_(stream), server_stopping_(server_stopping), timeout_(timeout) {}

  net::awaitable<bool> write(std::string chunk) override {
    if (failed_) co_return false;
    if (chunk.empty()) co_return true;  // an empty chunk would end the stream
    boost::system::error_code ec;
    beast::get_lowest_layer(stream_).expires_after(timeout_);
    co_await net::async_write(stream_, bhttp::make_chunk(net::buffer(chunk)),
                              net::redirect_error(net::use_awaitable, ec));
    beast::get_lowest_layer(stream_).expires_never();
    if (ec) failed_ = true;
    co_return !failed_;
  }
  bool stopping() const override { return server_stopping_; }
  bool failed() const { return failed_; }

 private:
  Stream& stream_;
  const bool& server_stopping_;
  std::chrono::seconds timeout_;
  bool failed_ = false;
};

}  // namespace

net::awaitable<void> server::impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (stopping) co_return;
    if (ec) {
      if (ec == net::error::operation_aborted) co_return;
      // Out of file descriptors and the like: pause briefly instead of spinning.
      spdlog::warn("http: accept failed: {}", ec.message());
      net::steady_timer pause(io, std::chrono::milliseconds(50));
      co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    if (connections.size() >= options.max_connections) {
      socket.close(ec);
      continue;
    }
    std::string remote;
    if (auto ep = socket.remote_endpoint(ec); !ec) remote = ep.address().to_string();
    const auto id = next_id++;
    connections[id] = connection{};
    auto body = options.tls ? run_tls(std::move(socket), id, std::move(remote))
                            : run_plain(std::move(socket), id, std::move(remote));
    net::co_spawn(io, std::move(body), [self, id](std::exception_ptr e) {
      self->connections.erase(id);
      if (self->stopping && self->connections.empty()) self->drain_timer.cancel();
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::error("http: connection failed: {}", ex.what());
        }
      }
    });
  }
}

net::awaitable<void> server::impl::run_plain(tcp::socket socket, std::uint64_t id, std::string remote) {
  plain_stream stream(std::move(socket));
  connections[id].close = [&stream] {
    boost::system::error_code ignored;
    stream.socket().close(ignored);
  };
  co_await serve(stream, id, std::move(remote), false);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  connections[id].close = nullptr;
}

net::awaitable<void> server::impl::run_tls(tcp::socket socket, std::uint64_t id, std::string remote) {
  auto context = options.tls->current();  // kept alive for the connection's lifetime
  tls_stream stream(std::move(socket), *context);
  connections[id].close = [&stream] {
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
  };
  boost::system::error_code ec;
  beast::get_lowest_layer(stream).expires_after(options.header_timeout);
  co_await stream.async_handshake(net::ssl::stream_base::server, net::redirect_error(net::use_awaitable, ec));
  if (!ec) {
    co_await serve(stream, id, std::move(remote), true);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(net::redirect_error(net::use_awaitable, ec));
  }
  connections[id].close = nullptr;
}

template <class Stream>
net::awaitable<void> server::impl::serve(Stream& stream, std::uint64_t id, std::string remote, bool tls) {
  auto self = shared_from_this();
  beast::flat_buffer buffer;
  bool first = true;
  for (;;) {
    boost::system::error_code ec;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);

    connections[id].busy = false;
    if (stopping) co_return;
    // Waiting for the next request on a kept-alive connection is idle time; once bytes arrive the whole
    // header must follow within header_timeout. Beast cannot tell the two apart, so the first request of a
    // connection gets header_timeout and later ones idle_timeout.
    beast::get_lowest_layer(stream).expires_after(first ? options.header_timeout : options.idle_timeout);
    first = false;
    co_await bhttp::async_read_header(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    if (ec == bhttp::error::header_limit) {
      auto res = simple_response(431, "request_header_fields_too_large", 11);
      beast::get_lowest_layer(stream).expires_after(options.write_timeout);
      co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
      co_return;
    }
    // Beast reports a Content-Length above the body limit as soon as the header is complete.
    const bool too_large = ec == bhttp::error::body_limit;
    if (ec && !too_large) co_return;  // closed, timed out, garbage: nothing sensible to answer
    connections[id].busy = true;
    const unsigned version = parser.get().version();

    if (too_large) {
      auto res = simple_response(413, "payload_too_large", version);
      beast::get_lowest_layer(stream).expires_after(options.write_timeout);
      co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
      if (!ec) co_await linger(stream);
      co_return;
    }
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, version};
      beast::get_lowest_layer(stream).expires_after(options.write_timeout);
      co_await bhttp::async_write(stream, cont, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
    }
    beast::get_lowest_layer(stream).expires_after(options.body_timeout);
    co_await bhttp::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    if (ec == bhttp::error::body_limit) {
      auto res = simple_response(413, "payload_too_large", version);
      beast::get_lowest_layer(stream).expires_after(options.write_timeout);
      co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
      if (!ec) co_await linger(stream);
      co_return;
    }
    if (ec) co_return;
    beast::get_lowest_layer(stream).expires_never();

    auto message = parser.release();
    const bool keep_alive = message.keep_alive();
    request req = to_request(std::move(message), remote, tls);

    response out;
    try {
      out = co_await on_request(req);
    } catch (const std::exception& e) {
      spdlog::error("http: handler for {} {} threw: {}", req.method, req.path, e.what());
      out = response::json(500, R"({"code":"internal","message":"internal server error"})");
    }
    const bool keep = keep_alive && !stopping;

    if (out.stream) {
      bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(out.status), version};
      for (auto& [name, value] : out.headers) head.insert(name, value);
      head.chunked(true);
      head.keep_alive(keep);
      bhttp::response_serializer<bhttp::empty_body> serializer{head};
      beast::get_lowest_layer(stream).expires_after(options.write_timeout);
      co_await bhttp::async_write_header(stream, serializer, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      chunk_writer<Stream> writer(stream, stopping, options.write_timeout);
      co_await out.stream(writer);
      if (writer.failed()) co_return;
      beast::get_lowest_layer(stream).expires_after(options.write_timeout);
      co_await net::async_write(stream, bhttp::make_chunk_last(),
                                net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
    } else {
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(out.status), version};
      for (auto& [name, value] : out.headers) res.insert(name, value);
      res.body() = std::move(out.body);
      res.keep_alive(keep);
      res.prepare_payload();
      beast::get_lowest_layer(stream).expires_after(options.write_timeout);
      co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
    }
    if (!keep) co_return;
  }
}

server::server(net::io_context& io, server_options options, handler on_request)
    : impl_(std::make_shared<impl>(io, std::move(options), std::move(on_request))) {}

server::~server() {
  if (impl_->acceptor.is_open()) {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
  }
}

void server::start() {
  auto& acceptor = impl_->acceptor;
  const tcp::endpoint endpoint(net::ip::make_address(impl_->options.address), impl_->options.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  net::co_spawn(impl_->io, impl_->accept_loop(), [](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("http: accept loop failed: {}", ex.what());
      }
    }
  });
}

std::uint16_t server::port() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void server::stop(std::chrono::milliseconds drain) {
  auto self = impl_;
  net::dispatch(self->io, [self, drain] {
    if (self->stopping) return;
    self->stopping = true;
    boost::system::error_code ignored;
    self->acceptor.close(ignored);
    self->close_idle();
    if (self->connections.empty()) return;
    self->drain_timer.expires_after(drain);
    self->drain_timer.async_wait([self](boost::system::error_code ec) {
      if (!ec) self->close_all();
    });
  });
}

std::size_t server::open_connections() const {
  return impl_->connections.size();
}

}  // namespace devenv::http
