#include "http/tls_context.h"

#include <fmt/format.h>

#include <system_error>

namespace devenv::http {

namespace {

std::filesystem::file_time_type mtime_or_min(const std::filesystem::path& p) {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(p, ec);
  return ec ? std::filesystem::file_time_type::min() : t;
}

}  // namespace

tls_context::tls_context(std::filesystem::path cert, std::filesystem::path key)
    : cert_file_(std::move(cert)), key_file_(std::move(key)) {}

result<std::shared_ptr<tls_context>> tls_context::from_files(std::filesystem::path cert_file,
                                                             std::filesystem::path key_file) {
  std::shared_ptr<tls_context> ctx(new tls_context(std::move(cert_file), std::move(key_file)));
  std::lock_guard lock(ctx->mutex_);
  if (auto loaded = ctx->reload_locked(); !loaded) return tl::unexpected(loaded.error());
  return ctx;
}

result<void> tls_context::reload_locked() {
  const auto cert_mtime = mtime_or_min(cert_file_);
  const auto key_mtime = mtime_or_min(key_file_);
  auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1 |
                   net::ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file_.string(), ec);
  if (ec)
    return fail(errc::invalid_argument,
                fmt::format("TLS certificate {}: {}", cert_file_.string(), ec.message()));
  ctx->use_private_key_file(key_file_.string(), net::ssl::context::pem, ec);
  if (ec)
    return fail(errc::invalid_argument, fmt::format("TLS key {}: {}", key_file_.string(), ec.message()));
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return fail(errc::invalid_argument, fmt::format("TLS key {} does not match certificate {}",
                                                    key_file_.string(), cert_file_.string()));
  }
  context_ = std::move(ctx);
  cert_mtime_ = cert_mtime;
  key_mtime_ = key_mtime;
  return {};
}

std::shared_ptr<net::ssl::context> tls_context::current() {
  std::lock_guard lock(mutex_);
  if (mtime_or_min(cert_file_) != cert_mtime_ || mtime_or_min(key_file_) != key_mtime_) {
    // A rotation may be half-written (cert replaced, key not yet): keep serving the old pair until both load.
    (void)reload_locked();
  }
  return context_;
}

}  // namespace devenv::http
