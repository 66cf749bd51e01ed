// Child processes for integration tests: the real kube-sim and devenv-scaler binaries started with port 0,
// waited for through the files they write once listening (never a fixed sleep), and stopped at scope exit;
// and one-shot commands (kubectl, the CLI) run to completion with their output captured.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace devenv::testing {

// The build tree's binaries (DEVENV_BINARY_DIR is set by ctest).
std::filesystem::path binary_path(const std::string& relative);
std::filesystem::path source_path(const std::string& relative);

class child_process {
 public:
  // Starts `argv` with extra environment variables; stdout and stderr go to `log_file`.
  child_process(std::vector<std::string> argv, std::filesystem::path log_file,
                std::map<std::string, std::string> env = {});
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // Waits until `file` exists and is non-empty. False when the process exits first or the deadline passes.
  bool wait_for_file(const std::filesystem::path& file,
                     std::chrono::seconds deadline = std::chrono::seconds(30));
  bool running();
  // SIGTERM (or `signal`), then waits up to `deadline` before SIGKILL. Returns the exit status (or -signal).
  int stop(int signal = 15, std::chrono::seconds deadline = std::chrono::seconds(15));
  std::string log() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
  std::filesystem::path log_file_;
};

struct command_result {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a command to completion (bounded by `deadline`, then killed), capturing its output.
command_result run_command(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
                           std::chrono::seconds deadline = std::chrono::seconds(60));

// kube-sim on 127.0.0.1:0 with its data in `dir` (kubeconfig, ca.crt, ready).
class kube_sim_process {
 public:
  explicit kube_sim_process(std::filesystem::path dir, std::vector<std::string> extra_args = {});
  bool ready() const { return ready_; }
  std::filesystem::path kubeconfig() const { return dir_ / "kubeconfig"; }
  std::string admin_token() const;  // from the kubeconfig
  std::string url() const;          // https://127.0.0.1:<port>
  // kubectl against this kube-sim.
  command_result kubectl(std::vector<std::string> args) const;
  child_process& process() { return process_; }

 private:
  std::filesystem::path dir_;
  child_process process_;
  bool ready_ = false;
};

// devenv-scaler serve on 127.0.0.1:0 against a kubeconfig, with API tokens "name:token,...".
class scaler_process {
 public:
  scaler_process(std::filesystem::path dir, const std::filesystem::path& kubeconfig, std::string api_tokens,
                 std::map<std::string, std::string> extra_env = {}, std::string listen = "127.0.0.1:0");
  bool ready() const { return ready_; }
  std::string url() const;  // https:// when DEVENV_TLS_CERT_FILE was given
  std::uint16_t port() const;
  // The CLI client against this server.
  command_result cli(std::vector<std::string> args, const std::string& token = {}) const;
  child_process& process() { return process_; }

 private:
  std::filesystem::path dir_;
  bool tls_ = false;
  child_process process_;
  bool ready_ = false;
};

}  // namespace devenv::testing
