// The kubeconfig kube-sim writes for kubectl and tests: one cluster (server URL, CA data when HTTPS), one
// user with a bearer token, one context, current-context set. Pure text rendering; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace kubesim {

struct kubeconfig_options {
  std::string server;  // "https://127.0.0.1:6443" or "http://..."
  std::string ca_pem;  // empty for plain HTTP
  std::string user = "kubesim-admin";
  std::string token;
  std::string name = "kube-sim";  // cluster and context name
  std::string ns;                 // context namespace; empty: none
};

std::string render_kubeconfig(const kubeconfig_options& options);
std::string base64_encode(std::string_view data);

}  // namespace kubesim
