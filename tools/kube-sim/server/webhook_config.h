// One admission webhook as kube-apiserver reads it from a Mutating/ValidatingWebhookConfiguration, and
// the pure decisions about it: does a request match its rules and namespaceSelector, where is it called.
// Value types and free functions; no I/O. Safe to share between threads once built.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/api_error.h"
#include "model/resource_kind.h"

namespace kubesim {

struct webhook_rule {
  std::vector<std::string> operations;  // CREATE, UPDATE, DELETE, CONNECT, *
  std::vector<std::string> api_groups;  // "" is the core group, * any
  std::vector<std::string> api_versions;
  std::vector<std::string> resources;  // "namespaces", "*", "*/*", "namespaces/status"
  std::string scope = "*";             // Cluster, Namespaced, *
};

struct webhook {
  std::string configuration;  // metadata.name of the configuration (mutating webhooks run in its order)
  bool mutating = false;
  std::string name;  // webhooks[].name, used in every message
  std::string url;   // clientConfig.url
  // clientConfig.service: resolved only through --service-endpoint (see resolve_endpoint).
  std::string service_namespace, service_name, service_path;
  int service_port = 443;
  std::string ca_bundle_pem;  // decoded clientConfig.caBundle; empty → the system trust store
  bool fail_closed = true;    // failurePolicy Fail (the v1 default) vs Ignore
  std::chrono::seconds timeout{10};
  std::string side_effects = "None";
  nlohmann::json namespace_selector = nlohmann::json::object();  // {} matches everything
  nlohmann::json object_selector = nlohmann::json::object();
  std::vector<webhook_rule> rules;
};

// The webhooks of one configuration object, in order. `mutating` says which kind the object is.
// A malformed entry is skipped the way the apiserver would have refused it at creation; errors name it.
std::vector<webhook> parse_webhook_configuration(const nlohmann::json& configuration, bool mutating,
                                                 std::vector<std::string>* problems = nullptr);

// Whether `operation` on `kind` (no subresource) is covered by one of the rules.
bool rules_match(const webhook& hook, std::string_view operation, const resource_kind& kind);

// metav1.LabelSelector semantics (matchLabels AND matchExpressions In/NotIn/Exists/DoesNotExist) over
// metadata.labels. An empty selector matches everything; a malformed one is an error (a call failure).
result<bool> label_selector_matches(const nlohmann::json& selector, const nlohmann::json& labels);

// Where a webhook is called: its url, or for a service reference the endpoint given by
// `service_endpoints` ("ns/name" → "host:port"). `resolve` receives a curl-style "dns:port:ip" entry so
// the certificate is still verified against the service's DNS name (name.ns.svc). nullopt: unreachable.
struct webhook_endpoint {
  std::string url;
  std::string resolve;  // empty for url webhooks
};
std::optional<webhook_endpoint> resolve_endpoint(const webhook& hook,
                                                 const std::map<std::string, std::string>& service_endpoints);

// Standard base64 (padding optional, whitespace ignored); nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace kubesim
