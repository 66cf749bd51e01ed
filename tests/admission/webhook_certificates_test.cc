// webhook_certificates: the generated serving certificate chains to the generated CA and names the Service;
// the caBundle patch sets every webhook's bundle, keeps the rest, and is null when already right.
#include "admission/webhook_certificates.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

#include "admission/admission_decision.h"

namespace devenv::admission {
namespace {

using json = nlohmann::json;

std::unique_ptr<X509, decltype(&X509_free)> load(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                BIO_free);
  return {PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free};
}

TEST(WebhookCertificates, ServingCertificateChainsToTheCaAndNamesTheService) {
  const auto now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + std::chrono::hours{18};
  auto tls = generate_webhook_tls("devenv-scaler", "tools", now, {}, {"127.0.0.1"});
  ASSERT_TRUE(tls) << tls.error().message;
  auto ca = load(tls->ca_certificate);
  auto leaf = load(tls->serving.certificate);
  ASSERT_TRUE(ca && leaf);
  EXPECT_EQ(X509_verify(leaf.get(), X509_get0_pubkey(ca.get())), 1);
  for (const auto& name : service_dns_names("devenv-scaler", "tools")) {
    EXPECT_EQ(X509_check_host(leaf.get(), name.c_str(), name.size(), 0, nullptr), 1) << name;
  }
  EXPECT_EQ(X509_check_host(leaf.get(), "evil.example", 12, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(leaf.get(), "127.0.0.1", 0), 1);
}

TEST(WebhookCertificates, CaBundlePatchTable) {
  const std::string pem = "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n";
  const json config = {{"metadata", {{"name", "devenv-scaler"}, {"resourceVersion", "42"}}},
                       {"webhooks",
                        {{{"name", "namespaces.devenv-scaler.io"},
                          {"failurePolicy", "Ignore"},
                          {"clientConfig", {{"service", {{"name", "devenv-scaler"}}}}}}}}};
  auto patch = ca_bundle_patch(config, pem);
  ASSERT_TRUE(patch);
  EXPECT_EQ((*patch)["metadata"]["resourceVersion"], "42");
  EXPECT_EQ((*patch)["webhooks"][0]["clientConfig"]["caBundle"], base64_encode(pem));
  EXPECT_EQ((*patch)["webhooks"][0]["failurePolicy"], "Ignore");
  EXPECT_EQ((*patch)["webhooks"][0]["clientConfig"]["service"]["name"], "devenv-scaler");

  json applied = config;
  applied.merge_patch(*patch);
  auto again = ca_bundle_patch(applied, pem);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->is_null());

  EXPECT_FALSE(ca_bundle_patch(json::object(), pem));
}

}  // namespace
}  // namespace devenv::admission
