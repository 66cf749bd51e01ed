// The command-line client: `devenv-scaler stop|start|status|list` call the REST API of a running server and
// print a readable result. The per-namespace CronJobs run this (not curl), so a failed stop is a failed Job.
// Rendering is pure (render_*), the HTTP call is in run_cli.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace devenv::app {

struct cli_options {
  std::string server = "http://127.0.0.1:8080";  // --server / DEVENV_SERVER
  std::string token;                             // --token / DEVENV_TOKEN
  std::string token_file;                        // --token-file / DEVENV_TOKEN_FILE (re-read every call)
  std::string ca_file;                           // --ca-file: trust for an HTTPS server
  bool output_json = false;                      // --output json
  std::chrono::seconds timeout{120};
};

// Exit codes: 0 success; 1 the operation failed or partly failed; 2 bad usage or unreachable server.
int run_cli(const cli_options& options, const std::string& action, const std::string& environment,
            std::ostream& out, std::ostream& err);

std::string render_report(const nlohmann::json& report);
std::string render_status(const nlohmann::json& status);
std::string render_list(const nlohmann::json& list);

}  // namespace devenv::app
