#include "faults/fault_proxy.h"

#include <array>
#include <list>
#include <random>
#include <thread>

#include "core/net.h"

namespace devenv::testing {

using tcp = net::ip::tcp;

struct fault_proxy::impl {
  struct connection {
    explicit connection(net::io_context& io) : client(io), upstream(io) {}
    tcp::socket client;
    tcp::socket upstream;
    void cut() {
      boost::system::error_code ignored;
      client.close(ignored);
      upstream.close(ignored);
    }
  };

  impl(std::uint16_t upstream_port, std::uint64_t seed)
      : acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
        target(net::ip::make_address("127.0.0.1"), upstream_port),
        random(seed) {}

  net::io_context io;
  tcp::acceptor acceptor;
  tcp::endpoint target;
  std::mt19937_64 random;  // io thread only
  std::atomic<double> drop_rate{0};
  std::atomic<bool> down{false};
  std::atomic<std::uint64_t> dropped{0};
  std::list<std::weak_ptr<connection>> open;  // io thread only
  std::thread thread;

  bool roll() {
    const double rate = drop_rate.load();
    return rate > 0 && std::uniform_real_distribution<double>(0, 1)(random) < rate;
  }

  net::awaitable<void> pump(std::shared_ptr<connection> c, tcp::socket& from, tcp::socket& to) {
    std::array<char, 16384> buffer{};
    boost::system::error_code ec;
    for (;;) {
      const std::size_t n =
          co_await from.async_read_some(net::buffer(buffer), net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
      if (down.load() || roll()) {
        dropped.fetch_add(1);
        break;
      }
      co_await net::async_write(to, net::buffer(buffer.data(), n),
                                net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
    }
    c->cut();  // either side ending (or a fault) ends the whole connection, like a broken network path
  }

  net::awaitable<void> serve(std::shared_ptr<connection> c) {
    boost::system::error_code ec;
    co_await c->upstream.async_connect(target, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      c->cut();
      co_return;
    }
    // The frames hold the connection, not the proxy: the io_context (a member) owns them, so holding the
    // proxy would be a cycle.
    net::co_spawn(io, pump(c, c->client, c->upstream), net::detached);
    net::co_spawn(io, pump(c, c->upstream, c->client), net::detached);
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto c = std::make_shared<connection>(io);
      boost::system::error_code ec;
      co_await acceptor.async_accept(c->client, net::redirect_error(net::use_awaitable, ec));
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) continue;
      if (down.load()) {
        dropped.fetch_add(1);
        c->cut();
        continue;
      }
      open.remove_if([](const std::weak_ptr<connection>& w) { return w.expired(); });
      open.push_back(c);
      net::co_spawn(io, serve(c), net::detached);
    }
  }
};

fault_proxy::fault_proxy(std::uint16_t upstream_port, std::uint64_t seed)
    : impl_(std::make_shared<impl>(upstream_port, seed)) {
  impl_->acceptor.listen();
  net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
  impl_->thread = std::thread([i = impl_] { i->io.run(); });
}

fault_proxy::~fault_proxy() {
  net::post(impl_->io, [i = impl_] {
    boost::system::error_code ignored;
    i->acceptor.close(ignored);
    for (auto& w : i->open)
      if (auto c = w.lock()) c->cut();
    i->io.stop();
  });
  impl_->thread.join();
}

std::uint16_t fault_proxy::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void fault_proxy::set_drop_rate(double rate) {
  impl_->drop_rate.store(rate);
}

void fault_proxy::set_down(bool down) {
  impl_->down.store(down);
  if (!down) return;
  net::post(impl_->io, [i = impl_] {
    for (auto& w : i->open)
      if (auto c = w.lock()) c->cut();
  });
}

std::uint64_t fault_proxy::dropped() const {
  return impl_->dropped.load();
}

std::string kubeconfig_via_port(const std::string& kubeconfig_text, std::uint16_t from, std::uint16_t port) {
  std::string out = kubeconfig_text;
  const std::string old_address = "127.0.0.1:" + std::to_string(from);
  const std::string new_address = "127.0.0.1:" + std::to_string(port);
  for (auto at = out.find(old_address); at != std::string::npos; at = out.find(old_address, at + 1))
    out.replace(at, old_address.size(), new_address);
  return out;
}

}  // namespace devenv::testing
