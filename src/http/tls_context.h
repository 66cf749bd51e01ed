// TLS server configuration loaded from PEM files and reloaded when the files change (cert-manager rotates
// them in place). New connections use the newest certificate; existing ones keep theirs. TLS 1.2 or later.
// Thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "core/error.h"
#include "core/net.h"

namespace devenv::http {

class tls_context {
 public:
  // Loads the certificate chain and key; an error when they cannot be read or do not match.
  static result<std::shared_ptr<tls_context>> from_files(std::filesystem::path cert_file,
                                                         std::filesystem::path key_file);
  // The current context, reloaded first if either file changed since the last load (a failed reload keeps
  // the previous certificate).
  std::shared_ptr<net::ssl::context> current();

 private:
  tls_context(std::filesystem::path cert, std::filesystem::path key);
  result<void> reload_locked();

  std::filesystem::path cert_file_, key_file_;
  std::filesystem::file_time_type cert_mtime_{}, key_mtime_{};
  std::shared_ptr<net::ssl::context> context_;
  std::mutex mutex_;
};

}  // namespace devenv::http
