#include "slack/signature.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <charconv>
#include <cstdint>

namespace devenv::slack {
namespace {

constexpr std::string_view version_prefix = "v0=";
constexpr std::size_t digest_size = 32;

std::array<unsigned char, digest_size> hmac_sha256(std::string_view key, std::string_view timestamp,
                                                   std::string_view body) {
  // The base string is fed in pieces so a large body is never copied.
  std::array<unsigned char, digest_size> out{};
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest_name, 0), OSSL_PARAM_END};
  std::size_t len = 0;
  const auto feed = [&](std::string_view s) {
    return EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(s.data()), s.size()) == 1;
  };
  const bool ok =
      ctx != nullptr &&
      EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) == 1 &&
      feed("v0:") && feed(timestamp) && feed(":") && feed(body) &&
      EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1 && len == digest_size;
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  if (!ok) out.fill(0);  // never matches a real signature: verification fails closed
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string sign(std::string_view signing_secret, std::string_view timestamp, std::string_view raw_body) {
  const auto digest = hmac_sha256(signing_secret, timestamp, raw_body);
  std::string out(version_prefix);
  for (unsigned char b : digest) out += fmt::format("{:02x}", b);
  return out;
}

result<void> verify_signature(std::string_view signing_secret, std::string_view timestamp_header,
                              std::string_view signature_header, std::string_view raw_body,
                              std::chrono::system_clock::time_point now, std::chrono::seconds tolerance) {
  if (signing_secret.empty()) return fail(errc::unauthorized, "no Slack signing secret is configured");
  if (timestamp_header.empty()) return fail(errc::unauthorized, "missing X-Slack-Request-Timestamp");
  if (signature_header.empty()) return fail(errc::unauthorized, "missing X-Slack-Signature");

  std::int64_t seconds = 0;
  const char* end = timestamp_header.data() + timestamp_header.size();
  const auto [ptr, ec] = std::from_chars(timestamp_header.data(), end, seconds);
  if (ec != std::errc{} || ptr != end || seconds < 0) {
    return fail(errc::unauthorized, "X-Slack-Request-Timestamp is not a number of seconds");
  }
  // In whole seconds and int64 arithmetic: a hostile timestamp near INT64_MAX must not overflow the
  // nanosecond clock representation.
  const std::int64_t now_s = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::int64_t skew = now_s >= seconds ? now_s - seconds : seconds - now_s;
  if (skew > tolerance.count()) {
    return fail(errc::unauthorized,
                fmt::format("X-Slack-Request-Timestamp is {} s away from now (at most {} s allowed)", skew,
                            tolerance.count()));
  }

  if (!signature_header.starts_with(version_prefix)) {
    return fail(errc::unauthorized, "X-Slack-Signature has an unknown version (expected v0=)");
  }
  const std::string_view hex = signature_header.substr(version_prefix.size());
  if (hex.size() != 2 * digest_size)
    return fail(errc::unauthorized, "X-Slack-Signature has the wrong length");
  std::array<unsigned char, digest_size> received{};
  for (std::size_t i = 0; i < digest_size; ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return fail(errc::unauthorized, "X-Slack-Signature is not hexadecimal");
    received[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  const auto expected = hmac_sha256(signing_secret, timestamp_header, raw_body);
  if (CRYPTO_memcmp(expected.data(), received.data(), digest_size) != 0) {
    return fail(errc::unauthorized, "X-Slack-Signature does not match the request");
  }
  return {};
}

}  // namespace devenv::slack
