// A certificate authority held in memory: a self-signed CA (ECDSA P-256) that issues serving certificates
// for given DNS names and IP addresses, as PEM text, and writes PEM files. Used by kube-sim (its HTTPS
// endpoint and kubeconfig) and by devenv-scaler's admission webhook (caBundle). Time comes in as a
// parameter so certificates are reproducible in tests. Immutable after creation: safe to share between
// threads for reading and issuing.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"

namespace devenv::http {

// A certificate and its private key, both PEM.
struct pem_pair {
  std::string certificate;
  std::string private_key;
};

struct certificate_request {
  std::string common_name;
  std::vector<std::string> dns_names;     // subjectAltName DNS entries (Go clients ignore the CN)
  std::vector<std::string> ip_addresses;  // subjectAltName IP entries, IPv4 or IPv6 text
  std::chrono::hours validity{24 * 365};
};

class certificate_authority {
 public:
  // A new CA key and self-signed certificate valid from an hour before `now` (clock skew) for `validity`.
  static result<certificate_authority> create(std::string common_name,
                                              std::chrono::system_clock::time_point now,
                                              std::chrono::hours validity = std::chrono::hours(24 * 3650));
  // An existing CA, e.g. loaded from files written earlier.
  static result<certificate_authority> from_pem(pem_pair ca);

  // A serving certificate (serverAuth, not a CA) signed by this CA.
  result<pem_pair> issue(const certificate_request& request, std::chrono::system_clock::time_point now) const;

  const std::string& certificate_pem() const { return ca_.certificate; }
  const std::string& private_key_pem() const { return ca_.private_key; }

  // Writes the certificate and the key (the key readable by the owner only); creates parent folders.
  static result<void> write_files(const pem_pair& pair, const std::filesystem::path& certificate_file,
                                  const std::filesystem::path& key_file);

 private:
  explicit certificate_authority(pem_pair ca) : ca_(std::move(ca)) {}
  pem_pair ca_;
};

}  // namespace devenv::http
