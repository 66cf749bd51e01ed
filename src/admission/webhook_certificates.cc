#include "admission/webhook_certificates.h"

#include "admission/admission_decision.h"

namespace devenv::admission {

std::vector<std::string> service_dns_names(const std::string& service, const std::string& ns) {
  return {service, service + "." + ns, service + "." + ns + ".svc",
          service + "." + ns + ".svc.cluster.local"};
}

result<webhook_tls> generate_webhook_tls(const std::string& service, const std::string& ns,
                                         std::chrono::system_clock::time_point now,
                                         const std::vector<std::string>& extra_dns,
                                         const std::vector<std::string>& extra_ips) {
  auto ca = http::certificate_authority::create("devenv-scaler webhook CA", now);
  if (!ca) return tl::unexpected(ca.error());
  http::certificate_request request;
  request.common_name = service + "." + ns + ".svc";
  request.dns_names = service_dns_names(service, ns);
  request.dns_names.insert(request.dns_names.end(), extra_dns.begin(), extra_dns.end());
  request.ip_addresses = extra_ips;
  auto serving = ca->issue(request, now);
  if (!serving) return tl::unexpected(serving.error());
  return webhook_tls{ca->certificate_pem(), std::move(*serving)};
}

result<nlohmann::json> ca_bundle_patch(const nlohmann::json& configuration, const std::string& ca_pem) {
  if (!configuration.is_object() || !configuration.contains("webhooks") ||
      !configuration["webhooks"].is_array())
    return fail(errc::invalid_argument, "the webhook configuration has no webhooks list");
  const std::string bundle = base64_encode(ca_pem);
  nlohmann::json webhooks = configuration["webhooks"];
  bool changed = false;
  for (auto& webhook : webhooks) {
    if (!webhook.is_object()) continue;
    auto& client = webhook["clientConfig"];
    if (client.is_object() && client.value("caBundle", std::string()) == bundle) continue;
    client["caBundle"] = bundle;
    changed = true;
  }
  if (!changed) return nlohmann::json(nullptr);
  nlohmann::json patch = {{"webhooks", std::move(webhooks)}};
  const auto rv =
      configuration.value(nlohmann::json::json_pointer("/metadata/resourceVersion"), std::string());
  if (!rv.empty()) patch["metadata"]["resourceVersion"] = rv;
  return patch;
}

}  // namespace devenv::admission
