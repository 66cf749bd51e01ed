// libFuzzer target: a kubeconfig file (user-supplied; YAML) through load_kubeconfig. Invariants: never
// throws or crashes; a success names an http(s) server without a trailing slash; a failure says why.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "kube/config.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // One file per fuzzing process (libFuzzer -jobs/-workers run several), rewritten for each input.
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("fuzz-kubeconfig-" + std::to_string(::getpid()));
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  for (const char* context : {"", "dev"}) {
    const auto loaded = devenv::kube::load_kubeconfig(file, context);
    if (loaded) {
      check(!loaded->server.empty() && loaded->server.back() != '/');
    } else {
      check(!loaded.error().message.empty());
    }
  }
  return 0;
}
