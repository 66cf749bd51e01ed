// A uniquely named temporary folder, removed when the object goes. One per test; not thread-safe.
#pragma once

#include <filesystem>
#include <string>

namespace devenv::testing {

class temp_dir {
 public:
  explicit temp_dir(std::string_view prefix = "devenv-test");
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::filesystem::path& relative, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& file);

}  // namespace devenv::testing
