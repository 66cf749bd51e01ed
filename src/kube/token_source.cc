#include "kube/token_source.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace devenv::kube {

token_source token_source::fixed(std::string token) {
  token_source source;
  source.token_ = std::move(token);
  source.loaded_ = true;
  return source;
}

token_source token_source::from_file(std::filesystem::path file, std::chrono::seconds refresh_interval) {
  token_source source;
  source.file_ = std::move(file);
  source.refresh_interval_ = refresh_interval;
  return source;
}

token_source::token_source(const token_source& other) {
  *this = other;
}

token_source& token_source::operator=(const token_source& other) {
  if (this == &other) return *this;
  std::scoped_lock lock(mutex_, other.mutex_);
  file_ = other.file_;
  refresh_interval_ = other.refresh_interval_;
  token_ = other.token_;
  loaded_ = other.loaded_;
  mtime_ = other.mtime_;
  read_at_ = other.read_at_;
  return *this;
}

result<std::string> token_source::get(clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (file_.empty()) return token_;
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(file_, ec);
  bool stale = !loaded_ || (!ec && mtime != mtime_) || now - read_at_ >= refresh_interval_;
  if (!stale) return token_;
  std::ifstream in(file_, std::ios::binary);
  if (!in) {
    if (loaded_) return token_;  // keep the last good token; the kubelet may be mid-swap
    return fail(errc::unauthorized, fmt::format("cannot read token file {}", file_.string()));
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  // Trailing whitespace (a newline from `echo`) would make the header invalid.
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  token_ = std::move(token);
  loaded_ = true;
  mtime_ = ec ? std::filesystem::file_time_type{} : mtime;
  read_at_ = now;
  return token_;
}

}  // namespace devenv::kube
