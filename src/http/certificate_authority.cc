#include "http/certificate_authority.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <system_error>

namespace devenv::http {
namespace {

template <auto fn>
struct deleter {
  template <class T>
  void operator()(T* p) const {
    fn(p);
  }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free>>;
using bn_ptr = std::unique_ptr<BIGNUM, deleter<BN_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION_free>>;

// The newest OpenSSL error as text; clears the queue so later calls start clean.
std::string openssl_error(std::string_view what) {
  std::string message(what);
  if (unsigned long code = ERR_get_error(); code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    message += ": ";
    message += buffer;
  }
  ERR_clear_error();
  return message;
}

tl::unexpected<error> crypto_failure(std::string_view what) {
  return fail(errc::internal, openssl_error(what));
}

result<pkey_ptr> generate_key() {
  pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return crypto_failure("generating an EC P-256 key");
  return key;
}

result<std::string> bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  if (size < 0 || data == nullptr) return crypto_failure("reading PEM from memory");
  return std::string(data, static_cast<std::size_t>(size));
}

result<std::string> key_to_pem(EVP_PKEY* key) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return crypto_failure("encoding a private key");
  return bio_text(bio.get());
}

result<std::string> cert_to_pem(X509* cert) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return crypto_failure("encoding a certificate");
  return bio_text(bio.get());
}

result<pkey_ptr> key_from_pem(const std::string& pem) {
  bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  pkey_ptr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return crypto_failure("parsing the CA private key");
  return key;
}

result<x509_ptr> cert_from_pem(const std::string& pem) {
  bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  x509_ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return crypto_failure("parsing the CA certificate");
  return cert;
}

// A new certificate with a random positive 128-bit serial, the subject CN and the validity window.
result<x509_ptr> new_certificate(const std::string& common_name, std::chrono::system_clock::time_point now,
                                 std::chrono::hours validity) {
  x509_ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) return crypto_failure("allocating a certificate");

  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1) return crypto_failure("generating a serial number");
  serial_bytes[0] &= 0x7f;  // serials must be positive
  bn_ptr serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
    return crypto_failure("setting the serial number");

  // Start an hour early so a peer whose clock is slightly behind still accepts the certificate.
  const auto not_before = std::chrono::system_clock::to_time_t(now - std::chrono::hours(1));
  const auto not_after = std::chrono::system_clock::to_time_t(now + validity);
  if (!ASN1_TIME_set(X509_getm_notBefore(cert.get()), not_before) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_after))
    return crypto_failure("setting the validity period");

  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0) != 1)
    return crypto_failure("setting the subject name");
  return cert;
}

result<void> add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ext_ptr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return crypto_failure("adding extension " + std::string(OBJ_nid2sn(nid)) + "=" + value);
  return {};
}

result<void> sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) return crypto_failure("signing a certificate");
  return {};
}

}  // namespace

result<certificate_authority> certificate_authority::create(std::string common_name,
                                                            std::chrono::system_clock::time_point now,
                                                            std::chrono::hours validity) {
  auto key = generate_key();
  if (!key) return tl::unexpected(key.error());
  auto cert = new_certificate(common_name, now, validity);
  if (!cert) return tl::unexpected(cert.error());
  X509* c = cert->get();
  if (X509_set_issuer_name(c, X509_get_subject_name(c)) != 1 || X509_set_pubkey(c, key->get()) != 1)
    return crypto_failure("preparing the CA certificate");
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
                            std::pair{NID_subject_key_identifier, "hash"}}) {
    if (auto added = add_extension(c, c, nid, value); !added) return tl::unexpected(added.error());
  }
  if (auto signed_ok = sign(c, key->get()); !signed_ok) return tl::unexpected(signed_ok.error());

  auto cert_pem = cert_to_pem(c);
  if (!cert_pem) return tl::unexpected(cert_pem.error());
  auto key_pem = key_to_pem(key->get());
  if (!key_pem) return tl::unexpected(key_pem.error());
  return certificate_authority(pem_pair{std::move(*cert_pem), std::move(*key_pem)});
}

result<certificate_authority> certificate_authority::from_pem(pem_pair ca) {
  auto key = key_from_pem(ca.private_key);
  if (!key) return tl::unexpected(key.error());
  auto cert = cert_from_pem(ca.certificate);
  if (!cert) return tl::unexpected(cert.error());
  if (X509_check_private_key(cert->get(), key->get()) != 1)
    return fail(errc::invalid_argument, openssl_error("the CA key does not match its certificate"));
  return certificate_authority(std::move(ca));
}

result<pem_pair> certificate_authority::issue(const certificate_request& request,
                                              std::chrono::system_clock::time_point now) const {
  if (request.dns_names.empty() && request.ip_addresses.empty())
    return fail(errc::invalid_argument, "a serving certificate needs at least one DNS name or IP address");
  auto ca_key = key_from_pem(ca_.private_key);
  if (!ca_key) return tl::unexpected(ca_key.error());
  auto ca_cert = cert_from_pem(ca_.certificate);
  if (!ca_cert) return tl::unexpected(ca_cert.error());
  auto key = generate_key();
  if (!key) return tl::unexpected(key.error());
  const std::string common_name =
      !request.common_name.empty()
          ? request.common_name
          : (!request.dns_names.empty() ? request.dns_names.front() : request.ip_addresses.front());
  auto cert = new_certificate(common_name, now, request.validity);
  if (!cert) return tl::unexpected(cert.error());
  X509* c = cert->get();
  if (X509_set_issuer_name(c, X509_get_subject_name(ca_cert->get())) != 1 ||
      X509_set_pubkey(c, key->get()) != 1)
    return crypto_failure("preparing a serving certificate");

  std::string alt_names;
  for (const auto& dns : request.dns_names) alt_names += (alt_names.empty() ? "DNS:" : ",DNS:") + dns;
  for (const auto& ip : request.ip_addresses) alt_names += (alt_names.empty() ? "IP:" : ",IP:") + ip;
  for (auto [nid, value] : {std::pair<int, std::string>{NID_basic_constraints, "critical,CA:FALSE"},
                            {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                            {NID_ext_key_usage, "serverAuth"},
                            {NID_subject_key_identifier, "hash"},
                            {NID_authority_key_identifier, "keyid:always"},
                            {NID_subject_alt_name, alt_names}}) {
    if (auto added = add_extension(c, ca_cert->get(), nid, value); !added)
      return tl::unexpected(added.error());
  }
  if (auto signed_ok = sign(c, ca_key->get()); !signed_ok) return tl::unexpected(signed_ok.error());

  auto cert_pem = cert_to_pem(c);
  if (!cert_pem) return tl::unexpected(cert_pem.error());
  auto key_pem = key_to_pem(key->get());
  if (!key_pem) return tl::unexpected(key_pem.error());
  return pem_pair{std::move(*cert_pem), std::move(*key_pem)};
}

result<void> certificate_authority::write_files(const pem_pair& pair,
                                                const std::filesystem::path& certificate_file,
                                                const std::filesystem::path& key_file) {
  namespace fs = std::filesystem;
  auto write = [](const fs::path& path, const std::string& text, fs::perms perms) -> result<void> {
    std::error_code ec;
    if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
    if (ec) return fail(errc::internal, "creating " + path.parent_path().string() + ": " + ec.message());
    {
      // Create empty, restrict, then write: the key is never readable by others, not even briefly.
      std::ofstream create(path, std::ios::binary | std::ios::trunc);
      if (!create) return fail(errc::internal, "cannot write " + path.string());
    }
    fs::permissions(path, perms, fs::perm_options::replace, ec);
    if (ec) return fail(errc::internal, "setting permissions of " + path.string() + ": " + ec.message());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return fail(errc::internal, "cannot write " + path.string());
    return {};
  };
  using p = fs::perms;
  if (auto ok = write(certificate_file, pair.certificate,
                      p::owner_read | p::owner_write | p::group_read | p::others_read);
      !ok)
    return ok;
  return write(key_file, pair.private_key, p::owner_read | p::owner_write);
}

}  // namespace devenv::http
