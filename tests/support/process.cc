#include "support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "support/temp_dir.h"

extern char** environ;

namespace devenv::testing {

namespace {

using namespace std::chrono_literals;

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    const auto key = entry.substr(0, entry.find('='));
    if (!extra.count(key)) out.push_back(std::move(entry));
  }
  for (const auto& [k, v] : extra) out.push_back(k + "=" + v);
  return out;
}

pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::string& out_file, const std::string& err_file) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto environment = merged_environment(env);
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (err_file == out_file) {
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  }
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

int decode_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

// With DEVENV_REQUEST_LOG_DIR set (ctest sets it for the integration tests), every kube-sim keeps its
// request log there, one file per instance, so tests/deploy can check the chart's RBAC against every call
// devenv-scaler made.
std::string request_log_file() {
  const char* dir = std::getenv("DEVENV_REQUEST_LOG_DIR");
  if (!dir || !*dir) return {};
  static std::atomic<unsigned> instance{0};
  std::filesystem::create_directories(dir);
  const auto stamp = std::chrono::system_clock::now().time_since_epoch().count();
  return (std::filesystem::path(dir) / ("kube-sim-" + std::to_string(getpid()) + "-" + std::to_string(stamp) +
                                        "-" + std::to_string(instance++) + ".jsonl"))
      .string();
}

}  // namespace

std::filesystem::path binary_path(const std::string& relative) {
  const char* dir = std::getenv("DEVENV_BINARY_DIR");
  if (!dir) throw std::runtime_error("DEVENV_BINARY_DIR is not set: run the tests through ctest");
  return std::filesystem::path(dir) / relative;
}

std::filesystem::path source_path(const std::string& relative) {
#ifdef DEVENV_TEST_SOURCE_DIR
  return std::filesystem::path(DEVENV_TEST_SOURCE_DIR) / relative;
#else
  const char* dir = std::getenv("DEVENV_SOURCE_DIR");
  if (!dir) throw std::runtime_error("DEVENV_SOURCE_DIR is not set");
  return std::filesystem::path(dir) / relative;
#endif
}

child_process::child_process(std::vector<std::string> argv, std::filesystem::path log_file,
                             std::map<std::string, std::string> env)
    : log_file_(std::move(log_file)) {
  pid_ = spawn(argv, env, log_file_.string(), log_file_.string());
}

child_process::~child_process() {
  stop(SIGKILL, 5s);
}

bool child_process::running() {
  if (reaped_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    reaped_ = true;
    status_ = status;
    return false;
  }
  return true;
}

bool child_process::wait_for_file(const std::filesystem::path& file, std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  std::error_code ec;
  while (!(std::filesystem::exists(file, ec) && std::filesystem::file_size(file, ec) > 0)) {
    if (!running() || std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);  // polling a file the child writes; bounded by the deadline
  }
  return true;
}

int child_process::stop(int signal, std::chrono::seconds deadline) {
  if (pid_ <= 0) return -1;
  if (!reaped_) {
    kill(pid_, signal);
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (running() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
    if (!reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
      reaped_ = true;
    }
  }
  return decode_status(status_);
}

std::string child_process::log() const {
  return read_file(log_file_);
}

command_result run_command(std::vector<std::string> argv, std::map<std::string, std::string> env,
                           std::chrono::seconds deadline) {
  temp_dir dir("devenv-cmd");
  const auto out = (dir.path() / "out").string();
  const auto err = (dir.path() / "err").string();
  const pid_t pid = spawn(argv, env, out, err);
  const auto until = std::chrono::steady_clock::now() + deadline;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > until) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(5ms);
  }
  return command_result{decode_status(status), read_file(out), read_file(err)};
}

kube_sim_process::kube_sim_process(std::filesystem::path dir, std::vector<std::string> extra_args)
    : dir_(std::move(dir)),
      process_(
          [&] {
            std::vector<std::string> argv = {binary_path("tools/kube-sim/kube-sim").string(), "--listen",
                                             "127.0.0.1:0", "--data-dir", (dir_ / "kube-sim").string()};
            argv.insert(argv.end(), extra_args.begin(), extra_args.end());
            if (auto log = request_log_file(); !log.empty()) argv.insert(argv.end(), {"--request-log", log});
            std::filesystem::create_directories(dir_);
            return argv;
          }(),
          dir_ / "kube-sim.log") {
  ready_ = process_.wait_for_file(dir_ / "kube-sim" / "ready");
  dir_ /= "kube-sim";
}

std::string kube_sim_process::url() const {
  auto port = read_file(dir_ / "ready");
  while (!port.empty() && (port.back() == '\n' || port.back() == ' ')) port.pop_back();
  return "https://127.0.0.1:" + port;
}

std::string kube_sim_process::admin_token() const {
  const auto text = read_file(kubeconfig());
  const auto at = text.find("token:");
  if (at == std::string::npos) return {};
  auto start = text.find_first_not_of(" \"'", at + 6);
  auto end = text.find_first_of("\"'\n", start);
  return text.substr(start, end - start);
}

command_result kube_sim_process::kubectl(std::vector<std::string> args) const {
  args.insert(args.begin(), {"kubectl", "--kubeconfig", kubeconfig().string()});
  return run_command(std::move(args));
}

scaler_process::scaler_process(std::filesystem::path dir, const std::filesystem::path& kubeconfig,
                               std::string api_tokens, std::map<std::string, std::string> extra_env,
                               std::string listen)
    : dir_(std::move(dir)),
      tls_(extra_env.count("DEVENV_TLS_CERT_FILE") > 0 || extra_env.count("DEVENV_TLS_SELF_SIGNED") > 0),
      process_(
          [&] {
            std::filesystem::create_directories(dir_);
            std::filesystem::remove(dir_ / "port");  // a restart in the same folder must wait for the new one
            return std::vector<std::string>{binary_path("src/app/devenv-scaler").string(),
                                            "serve",
                                            "--listen",
                                            listen,
                                            "--kubeconfig",
                                            kubeconfig.string(),
                                            "--port-file",
                                            (dir_ / "port").string()};
          }(),
          dir_ / "devenv-scaler.log",
          [&] {
            extra_env.emplace("DEVENV_API_TOKENS", api_tokens);
            extra_env.emplace("DEVENV_LOG_FORMAT", "text");
            // A stable leader-election identity per folder, like a pod's name across container restarts: a
            // scaler restarted here (even after SIGKILL) renews its own Lease at once instead of waiting for
            // it to expire. Unique per folder, so replicas in different folders never share one.
            extra_env.emplace("DEVENV_LEADER_IDENTITY", std::filesystem::absolute(dir_).string());
            return extra_env;
          }()) {
  ready_ = process_.wait_for_file(dir_ / "port");
}

std::uint16_t scaler_process::port() const {
  return static_cast<std::uint16_t>(std::stoi(read_file(dir_ / "port")));
}

std::string scaler_process::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

command_result scaler_process::cli(std::vector<std::string> args, const std::string& token) const {
  args.insert(args.begin(), binary_path("src/app/devenv-scaler").string());
  args.push_back("--server");
  args.push_back(url());
  std::map<std::string, std::string> env;
  env["DEVENV_TOKEN"] = token;
  return run_command(std::move(args), env);
}

}  // namespace devenv::testing
