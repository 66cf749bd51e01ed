// webhook_certificates: the "no certificate files" mode of the admission webhook. At start-up a CA and a
// serving certificate for the in-cluster Service DNS names are generated in memory
// (http::certificate_authority), and the webhook configuration's caBundle is patched so kube-apiserver trusts
// them. Pure functions (time comes in as a parameter); the caller writes the files for tls_context and sends
// the patch.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "http/certificate_authority.h"

namespace devenv::admission {

struct webhook_tls {
  std::string ca_certificate;  // PEM: the caBundle (base64 of this text)
  http::pem_pair serving;      // PEM certificate and key for the HTTPS server
};

// The names a webhook Service is reached by: svc, svc.ns, svc.ns.svc, svc.ns.svc.cluster.local.
std::vector<std::string> service_dns_names(const std::string& service, const std::string& ns);

// A fresh CA (10 years) and a serving certificate (1 year) for the Service's DNS names and any extra
// names or IPs (e.g. 127.0.0.1 for tests).
result<webhook_tls> generate_webhook_tls(const std::string& service, const std::string& ns,
                                         std::chrono::system_clock::time_point now,
                                         const std::vector<std::string>& extra_dns = {},
                                         const std::vector<std::string>& extra_ips = {});

// The merge patch for a Mutating/ValidatingWebhookConfiguration (as read) that sets every webhook's
// clientConfig.caBundle to base64(ca_pem), carrying its resourceVersion. A merge patch replaces lists whole,
// so the patch holds each webhook as read with only the caBundle changed. Null when nothing changes.
// errc::invalid_argument when the object has no webhooks list.
result<nlohmann::json> ca_bundle_patch(const nlohmann::json& configuration, const std::string& ca_pem);

}  // namespace devenv::admission
