#include "http/certificate_authority.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

namespace devenv::http {
namespace {

using namespace std::chrono;

struct x509_deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using x509_ptr = std::unique_ptr<X509, x509_deleter>;

x509_ptr parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  x509_ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

// Verifies `leaf` against `ca` alone at time `at`, as a TLS client would; returns the X509 error code.
int verify(const std::string& ca, const std::string& leaf, system_clock::time_point at) {
  auto ca_cert = parse(ca);
  auto leaf_cert = parse(leaf);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca_cert.get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf_cert.get(), nullptr);
  X509_STORE_CTX_set_time(ctx, 0, system_clock::to_time_t(at));
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
  const int ok = X509_verify_cert(ctx);
  const int error = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return error;
}

const auto now = sys_days{year_month_day{year{2026}, month{11}, day{27}}} + hours{12};

TEST(CertificateAuthority, IssuedCertificateVerifiesAgainstTheCaWithinItsValidity) {
  auto ca = certificate_authority::create("test-ca", now);
  ASSERT_TRUE(ca) << ca.error().message;
  auto leaf = ca->issue({"server", {"localhost"}, {"127.0.0.1"}, hours(24)}, now);
  ASSERT_TRUE(leaf) << leaf.error().message;
  struct {
    system_clock::time_point at;
    int expected;
  } cases[] = {
      {now, X509_V_OK},
      {now - minutes(30), X509_V_OK},  // valid from an hour early for skewed clocks
      {now - hours(2), X509_V_ERR_CERT_NOT_YET_VALID},
      {now + hours(25), X509_V_ERR_CERT_HAS_EXPIRED},
  };
  for (const auto& c : cases) EXPECT_EQ(verify(ca->certificate_pem(), leaf->certificate, c.at), c.expected);
}

TEST(CertificateAuthority, AnotherCaDoesNotVerify) {
  auto ca = certificate_authority::create("a", now);
  auto other = certificate_authority::create("b", now);
  ASSERT_TRUE(ca && other);
  auto leaf = ca->issue({"", {"localhost"}, {}, hours(24)}, now);
  ASSERT_TRUE(leaf);
  EXPECT_NE(verify(other->certificate_pem(), leaf->certificate, now), X509_V_OK);
}

TEST(CertificateAuthority, SubjectAltNamesMatchOnlyRequestedNamesAndAddresses) {
  auto ca = certificate_authority::create("test-ca", now);
  ASSERT_TRUE(ca);
  auto leaf =
      ca->issue({"webhook", {"devenv-scaler.devenv.svc", "localhost"}, {"127.0.0.1", "::1"}, hours(24)}, now);
  ASSERT_TRUE(leaf) << leaf.error().message;
  auto cert = parse(leaf->certificate);
  struct {
    const char* name;
    bool ip;
    bool matches;
  } cases[] = {
      {"devenv-scaler.devenv.svc", false, true},
      {"localhost", false, true},
      {"example.com", false, false},
      {"webhook", false, false},  // the CN is not a SAN: Go clients would refuse it too
      {"127.0.0.1", true, true},
      {"::1", true, true},
      {"10.0.0.1", true, false},
  };
  for (const auto& c : cases) {
    const int result =
        c.ip ? X509_check_ip_asc(cert.get(), c.name, 0)
             : X509_check_host(cert.get(), c.name, 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr);
    EXPECT_EQ(result == 1, c.matches) << c.name;
  }
  // A serving certificate is not a CA.
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_NE(X509_check_ca(parse(ca->certificate_pem()).get()), 0);
}

TEST(CertificateAuthority, RefusesARequestWithoutNames) {
  auto ca = certificate_authority::create("test-ca", now);
  ASSERT_TRUE(ca);
  auto leaf = ca->issue({"nothing", {}, {}, hours(1)}, now);
  ASSERT_FALSE(leaf);
  EXPECT_EQ(leaf.error().code, errc::invalid_argument);
}

TEST(CertificateAuthority, RoundTripsThroughPemAndFiles) {
  auto ca = certificate_authority::create("test-ca", now);
  ASSERT_TRUE(ca);
  auto reloaded = certificate_authority::from_pem({ca->certificate_pem(), ca->private_key_pem()});
  ASSERT_TRUE(reloaded) << reloaded.error().message;
  auto leaf = reloaded->issue({"", {"localhost"}, {}, hours(1)}, now);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(verify(ca->certificate_pem(), leaf->certificate, now), X509_V_OK);

  auto other = certificate_authority::create("other", now);
  ASSERT_TRUE(other);
  EXPECT_FALSE(certificate_authority::from_pem({ca->certificate_pem(), other->private_key_pem()}));
  EXPECT_FALSE(certificate_authority::from_pem({"garbage", "garbage"}));

  const auto dir = std::filesystem::temp_directory_path() / ("ca_test_" + std::to_string(::getpid()));
  ASSERT_TRUE(certificate_authority::write_files(*leaf, dir / "sub" / "tls.crt", dir / "sub" / "tls.key"));
  const auto key_perms = std::filesystem::status(dir / "sub" / "tls.key").permissions();
  EXPECT_EQ(key_perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  EXPECT_EQ(std::filesystem::file_size(dir / "sub" / "tls.crt"), leaf->certificate.size());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace devenv::http
