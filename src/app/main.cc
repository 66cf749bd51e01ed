// devenv-scaler's entry point: command-line parsing and dispatch only.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "app/cli_client.h"
#include "app/config.h"
#include "app/logging.h"
#include "app/serve.h"
#include "inventory/aws_runtime.h"

namespace {

std::optional<std::string> getenv_opt(std::string_view name) {
  const char* v = std::getenv(std::string(name).c_str());
  return v ? std::optional<std::string>(v) : std::nullopt;
}

std::string env_or(const char* name, std::string fallback) {
  return getenv_opt(name).value_or(std::move(fallback));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace devenv;
  CLI::App cli{
      "devenv-scaler: puts Kubernetes development environments to sleep every working evening and wakes "
      "them on request.\nConfiguration keys, defaults and environment variables: docs/configuration.md."};
  cli.require_subcommand(1);

  std::string config_file = env_or("DEVENV_CONFIG", "");
  std::string listen, kubeconfig, context, port_file;
  auto* serve_cmd = cli.add_subcommand("serve", "Serve the REST API, Slack endpoints and admission webhook.");
  serve_cmd->add_option("--config", config_file, "YAML configuration file (env DEVENV_CONFIG)");
  serve_cmd->add_option("--listen", listen, "host:port to listen on (overrides server.listen)");
  serve_cmd->add_option("--kubeconfig", kubeconfig, "kubeconfig file (overrides kubernetes.kubeconfig)");
  serve_cmd->add_option("--context", context, "kubeconfig context (overrides kubernetes.context)");
  serve_cmd->add_option("--port-file", port_file, "write the bound port to this file once listening");

  auto* cacher_cmd =
      cli.add_subcommand("cacher", "Refresh the AWS inventory (EC2/RDS of environments) as its own process.");
  cacher_cmd->add_option("--config", config_file, "YAML configuration file (env DEVENV_CONFIG)");

  app::cli_options client;
  client.server = env_or("DEVENV_SERVER", client.server);
  client.token = env_or("DEVENV_TOKEN", "");
  client.token_file = env_or("DEVENV_TOKEN_FILE", "");
  client.ca_file = env_or("DEVENV_CA_FILE", "");
  std::string output = "text";
  std::string environment;
  std::vector<CLI::App*> client_cmds;
  for (const auto& [name, help] : std::vector<std::pair<std::string, std::string>>{
           {"stop", "Stop an environment: scale its workloads to 0, saving their counts."},
           {"start", "Start an environment: restore the saved replica counts."},
           {"status", "Show an environment's state and workloads."},
           {"list", "List managed environments."}}) {
    auto* cmd = cli.add_subcommand(name, help);
    if (name != "list")
      cmd->add_option("environment", environment, "The environment (namespace)")->required();
    cmd->add_option("--server", client.server, "devenv-scaler URL (env DEVENV_SERVER)");
    cmd->add_option("--token", client.token, "API token (env DEVENV_TOKEN)");
    cmd->add_option("--token-file", client.token_file, "file holding the API token (env DEVENV_TOKEN_FILE)");
    cmd->add_option("--ca-file", client.ca_file, "CA bundle to verify an HTTPS server (env DEVENV_CA_FILE)");
    cmd->add_option("-o,--output", output, "text or json")->check(CLI::IsMember({"text", "json"}));
    client_cmds.push_back(cmd);
  }
  cli.add_subcommand("version", "Print the version.");

  CLI11_PARSE(cli, argc, argv);

  if (serve_cmd->parsed()) {
    auto cfg = app::load_config(config_file, [](std::string_view n) { return getenv_opt(n); });
    if (!cfg) {
      std::cerr << cfg.error().message << "\n";
      return 2;
    }
    if (!listen.empty()) cfg->server.listen = listen;
    if (!kubeconfig.empty()) cfg->kubernetes.kubeconfig = kubeconfig;
    if (!context.empty()) cfg->kubernetes.context = context;
    if (!port_file.empty()) cfg->server.port_file = port_file;
    if (auto l = app::split_listen_address(cfg->server.listen); !l) {
      std::cerr << l.error().message << "\n";
      return 2;
    }
    app::init_logging(cfg->log.level, cfg->log.format);
    return app::serve(*cfg);
  }
  if (cacher_cmd->parsed()) {
    auto cfg = app::load_config(config_file, [](std::string_view n) { return getenv_opt(n); });
    if (!cfg) {
      std::cerr << cfg.error().message << "\n";
      return 2;
    }
    app::init_logging(cfg->log.level, cfg->log.format);
    return inventory::run_standalone_cacher(cfg->aws, aws::process_environment());
  }
  for (auto* cmd : client_cmds) {
    if (cmd->parsed()) {
      client.output_json = output == "json";
      return app::run_cli(client, cmd->get_name(), environment, std::cout, std::cerr);
    }
  }
  std::cout << "devenv-scaler 0.1.0\n";
  return 0;
}
