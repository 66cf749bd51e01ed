// The bearer token to send: either a fixed string or a file that the kubelet rotates in place (projected
// service-account tokens expire after about an hour). Like client-go, the file is re-read when its mtime
// changes and at least every refresh_interval even if the mtime looks unchanged (coarse mtimes, atomic
// symlink swaps). Time comes in as a parameter; thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>

#include "core/error.h"

namespace devenv::kube {

class token_source {
 public:
  using clock = std::chrono::steady_clock;

  token_source() = default;  // no token: anonymous requests
  static token_source fixed(std::string token);
  static token_source from_file(std::filesystem::path file,
                                std::chrono::seconds refresh_interval = std::chrono::minutes(1));

  token_source(const token_source& other);
  token_source& operator=(const token_source& other);

  // The current token ("" when anonymous). A failed re-read keeps serving the last good token; only the very
  // first read can fail.
  result<std::string> get(clock::time_point now);

 private:
  std::filesystem::path file_;
  std::chrono::seconds refresh_interval_{60};
  mutable std::mutex mutex_;
  std::string token_;
  bool loaded_ = false;
  std::filesystem::file_time_type mtime_{};
  clock::time_point read_at_{};
};

}  // namespace devenv::kube
