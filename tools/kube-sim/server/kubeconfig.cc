#include "server/kubeconfig.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <vector>

namespace kubesim {

std::string base64_encode(std::string_view data) {
  std::vector<unsigned char> out(4 * ((data.size() + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

std::string render_kubeconfig(const kubeconfig_options& o) {
  // JSON strings are valid YAML scalars, so dump() quotes every value safely.
  auto q = [](const std::string& s) { return nlohmann::json(s).dump(); };
  std::string text;
  text += "apiVersion: v1\nkind: Config\n";
  text += "clusters:\n- name: " + q(o.name) + "\n  cluster:\n    server: " + q(o.server) + "\n";
  if (!o.ca_pem.empty()) text += "    certificate-authority-data: " + base64_encode(o.ca_pem) + "\n";
  text += "users:\n- name: " + q(o.user) + "\n  user:\n    token: " + q(o.token) + "\n";
  text += "contexts:\n- name: " + q(o.name) + "\n  context:\n    cluster: " + q(o.name) +
          "\n    user: " + q(o.user) + "\n";
  if (!o.ns.empty()) text += "    namespace: " + q(o.ns) + "\n";
  text += "current-context: " + q(o.name) + "\npreferences: {}\n";
  return text;
}

}  // namespace kubesim
