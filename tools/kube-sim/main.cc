// kube-sim: a Kubernetes API simulator for tests, benchmarks and the demo. Wiring only: flags, the data
// directory (CA, serving certificate, kubeconfig, ready file), the HTTP(S) server and signals.
#include <CLI/CLI.hpp>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "http/certificate_authority.h"
#include "http/server.h"
#include "model/seed.h"
#include "server/api_server.h"
#include "server/authenticator.h"
#include "server/kubeconfig.h"

namespace {

namespace fs = std::filesystem;
namespace http = devenv::http;
using nlohmann::json;

// "1500ms", "2s", "1m", "250" (milliseconds).
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  // No std::regex: GCC 12 reports false maybe-uninitialized warnings inside it under -O1 with sanitizers.
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 12) return std::nullopt;
  const long long n = std::stoll(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  if (unit == "s") return std::chrono::seconds(n);
  if (unit == "m") return std::chrono::minutes(n);
  if (unit == "h") return std::chrono::hours(n);
  if (unit == "ms" || unit.empty()) return std::chrono::milliseconds(n);
  return std::nullopt;
}

// "get=0.5:503" → verb, rate, code (500 when absent).
std::optional<std::tuple<std::string, double, int>> parse_error_rate(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  const auto colon = spec.find(':', eq);
  try {
    std::size_t used = 0;
    const std::string rate_text = spec.substr(eq + 1, colon == std::string::npos ? colon : colon - eq - 1);
    const double rate = std::stod(rate_text, &used);
    if (used != rate_text.size()) return std::nullopt;
    int code = 500;
    if (colon != std::string::npos) {
      const std::string code_text = spec.substr(colon + 1);
      code = std::stoi(code_text, &used);
      if (used != code_text.size()) return std::nullopt;
    }
    return std::tuple{spec.substr(0, eq), rate, code};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool write_file(const fs::path& path, const std::string& text) {
  // Write then rename, so a reader polling for the file never sees it half-written.
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return false;
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  return !ec;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "kube-sim: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kube-sim: a Kubernetes API simulator (see tools/kube-sim/README.md)"};
  std::string listen = "127.0.0.1:0";
  bool tls = true;
  bool plain_http = false;
  std::string data_dir;
  std::vector<std::string> named_tokens;
  std::string token_file;
  std::vector<std::string> seeds;
  std::string ready_delay = "1500ms";
  bool verbose = false;
  std::string request_log_file;
  std::vector<std::string> extra_names;
  std::string latency = "0ms", jitter = "0ms", drop_after = "0s";
  std::vector<std::string> error_rates, conflicts;
  std::uint64_t fault_seed = 1;
  std::vector<std::string> service_endpoints;

  app.add_option("--listen", listen, "address:port to listen on (port 0 picks a free one)");
  app.add_flag("--tls,!--no-tls", tls, "serve HTTPS (default)");
  app.add_flag("--http", plain_http, "serve plain HTTP instead of HTTPS");
  bool http_require_token = false;
  app.add_flag("--http-require-token", http_require_token,
               "with --http, refuse requests without a token too (kubectl sends none over plain HTTP)");
  app.add_option("--data-dir", data_dir, "where ca.crt, server.crt/key, kubeconfig and ready are written")
      ->required();
  app.add_option("--token", named_tokens, "NAME=TOKEN: a static admin token (repeatable)");
  app.add_option("--token-file", token_file, "kube-apiserver static token file: token,user,uid[,\"groups\"]");
  app.add_option("--seed", seeds, "YAML manifests loaded at start (repeatable)");
  app.add_option("--ready-delay", ready_delay, "how long scaled workloads take to become ready (1500ms)");
  app.add_flag("--verbose", verbose, "log one line per request to stderr");
  app.add_option("--request-log", request_log_file, "append every request as a JSON line to this file");
  app.add_option("--san", extra_names, "extra DNS name or IP for the serving certificate (repeatable)");
  app.add_option("--latency", latency, "fault: fixed latency added to every request (e.g. 50ms)");
  app.add_option("--latency-jitter", jitter, "fault: uniform random extra latency up to this");
  app.add_option("--error-rate", error_rates, "fault: VERB=RATE[:CODE], e.g. get=0.1:503 or *=0.05:429");
  app.add_option("--conflict", conflicts, "fault: PATH_GLOB=N, the next N writes to matching paths get 409");
  app.add_option("--drop-watches-after", drop_after, "fault: end every watch this long after it opened");
  app.add_option("--fault-seed", fault_seed, "seed for the fault randomness (reproducible runs)");
  app.add_option("--service-endpoint", service_endpoints,
                 "NS/NAME=HOST:PORT: where the webhook Service NS/NAME really listens (repeatable); the "
                 "certificate is still verified for NAME.NS.svc");
  CLI11_PARSE(app, argc, argv);
  if (plain_http) tls = false;

  const auto delay = parse_duration(ready_delay);
  if (!delay) return fail("--ready-delay: not a duration: " + ready_delay);
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return fail("--listen wants address:port");
  std::string address = listen.substr(0, colon);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    return fail("--listen: bad port in " + listen);
  }
  if (port < 0 || port > 65535) return fail("--listen: bad port in " + listen);

  // Faults from flags go through the same validation as the control endpoint.
  json fault_config = json::object();
  {
    const auto fixed = parse_duration(latency), spread = parse_duration(jitter),
               after = parse_duration(drop_after);
    if (!fixed || !spread || !after)
      return fail("--latency/--latency-jitter/--drop-watches-after: bad duration");
    fault_config["latency"] = {{"fixedMs", fixed->count()}, {"jitterMs", spread->count()}};
    fault_config["dropWatches"] = {
        {"afterSeconds", std::chrono::duration_cast<std::chrono::seconds>(*after).count()}};
    json errors = json::object();
    for (const auto& spec : error_rates) {
      const auto parsed = parse_error_rate(spec);
      if (!parsed) return fail("--error-rate: want VERB=RATE[:CODE], got " + spec);
      errors[std::get<0>(*parsed)] = {{"rate", std::get<1>(*parsed)}, {"code", std::get<2>(*parsed)}};
    }
    fault_config["errors"] = errors;
    json conflict_list = json::array();
    for (const auto& spec : conflicts) {
      const auto eq = spec.rfind('=');
      if (eq == std::string::npos) return fail("--conflict: want PATH_GLOB=N, got " + spec);
      try {
        conflict_list.push_back({{"path", spec.substr(0, eq)}, {"count", std::stoi(spec.substr(eq + 1))}});
      } catch (const std::exception&) {
        return fail("--conflict: want PATH_GLOB=N, got " + spec);
      }
    }
    fault_config["conflicts"] = conflict_list;
  }

  std::error_code ec;
  const fs::path dir(data_dir);
  fs::create_directories(dir, ec);
  if (ec) return fail("cannot create " + data_dir + ": " + ec.message());
  fs::remove(dir / "ready", ec);

  // Tokens: --token NAME=TOKEN users are administrators; a token file carries its own groups.
  std::string admin_user, admin_token;
  std::vector<kubesim::static_token> tokens;
  for (const auto& spec : named_tokens) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      return fail("--token: want NAME=TOKEN, got " + spec);
    kubesim::static_token token{
        spec.substr(eq + 1),
        {spec.substr(0, eq), spec.substr(0, eq), {"system:masters", "system:authenticated"}}};
    if (admin_token.empty()) {
      admin_user = token.user.username;
      admin_token = token.token;
    }
    tokens.push_back(std::move(token));
  }
  if (!token_file.empty()) {
    const auto text = read_file(token_file);
    if (!text) return fail("cannot read --token-file " + token_file);
    auto parsed = kubesim::parse_token_file(*text);
    if (!parsed) return fail(parsed.error().message);
    for (auto& token : *parsed) {
      if (admin_token.empty() && token.user.in_group("system:masters")) {
        admin_user = token.user.username;
        admin_token = token.token;
      }
      tokens.push_back(std::move(token));
    }
  }
  if (admin_token.empty()) {
    admin_user = "kubesim-admin";
    admin_token = kubesim::random_token(32);
    tokens.push_back({admin_token, {admin_user, admin_user, {"system:masters", "system:authenticated"}}});
  }

  kubesim::api_server_options options;
  options.store.workload_ready_delay = *delay;
  options.fault_seed = fault_seed;
  options.verbose = verbose;
  for (const auto& spec : service_endpoints) {
    const auto eq = spec.find('=');
    const auto slash = spec.find('/');
    if (eq == std::string::npos || slash == std::string::npos || slash == 0 || slash + 1 >= eq ||
        spec.find(':', eq) == std::string::npos)
      return fail("--service-endpoint: want NS/NAME=HOST:PORT, got " + spec);
    options.webhooks.service_endpoints[spec.substr(0, eq)] = spec.substr(eq + 1);
  }
  if (!tls && !http_require_token) {
    // kubectl only sends credentials over TLS; over plain HTTP an unauthenticated request acts as the admin.
    options.anonymous_user =
        kubesim::user_info{admin_user, admin_user, {"system:masters", "system:authenticated"}};
  }

  devenv::net::io_context io(1);
  kubesim::api_server api(io, options, [] { return std::chrono::system_clock::now(); });
  for (auto& token : tokens) api.tokens().add_static(std::move(token));

  if (auto configured = api.faults().configure(fault_config); !configured)
    return fail("faults: " + configured.error().message);
  if (!request_log_file.empty() && !api.requests().open_file(request_log_file))
    return fail("cannot open --request-log " + request_log_file);

  for (const auto& seed : seeds) {
    const auto text = read_file(seed);
    if (!text) return fail("cannot read --seed " + seed);
    auto seeded = kubesim::seed_from_yaml(api.objects(), *text);
    if (!seeded) return fail("--seed " + seed + ": " + seeded.error().message);
  }

  http::server_options server_options;
  server_options.address = address;
  server_options.port = static_cast<std::uint16_t>(port);
  server_options.max_body_bytes = 3 << 20;  // kube-apiserver's limit for a request body
  server_options.idle_timeout = std::chrono::seconds(300);
  std::string ca_pem;
  if (tls) {
    const auto now = std::chrono::system_clock::now();
    auto ca = http::certificate_authority::create("kube-sim-ca", now);
    if (!ca) return fail(ca.error().message);
    http::certificate_request request;
    request.common_name = "kube-sim";
    request.dns_names = {"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"};
    request.ip_addresses = {"127.0.0.1", "::1"};
    if (address != "127.0.0.1" && address != "0.0.0.0" && address != "::" && !address.empty())
      request.ip_addresses.push_back(address);
    for (const auto& name : extra_names) {
      boost::system::error_code parse_error;
      devenv::net::ip::make_address(name, parse_error);
      (parse_error ? request.dns_names : request.ip_addresses).push_back(name);
    }
    auto serving = ca->issue(request, now);
    if (!serving) return fail(serving.error().message);
    if (auto written = http::certificate_authority::write_files(
            {ca->certificate_pem(), ca->private_key_pem()}, dir / "ca.crt", dir / "ca.key");
        !written)
      return fail(written.error().message);
    if (auto written =
            http::certificate_authority::write_files(*serving, dir / "server.crt", dir / "server.key");
        !written)
      return fail(written.error().message);
    auto context = http::tls_context::from_files(dir / "server.crt", dir / "server.key");
    if (!context) return fail(context.error().message);
    server_options.tls = *context;
    ca_pem = ca->certificate_pem();
  }

  http::server server(io, server_options, api.handler());
  try {
    server.start();
  } catch (const std::exception& e) {
    return fail("cannot listen on " + listen + ": " + e.what());
  }
  api.start();

  const std::string host = address == "0.0.0.0" || address.empty()  ? "127.0.0.1"
                           : address.find(':') != std::string::npos ? "[" + address + "]"
                                                                    : address;
  kubesim::kubeconfig_options kubeconfig;
  kubeconfig.server = (tls ? "https://" : "http://") + host + ":" + std::to_string(server.port());
  kubeconfig.ca_pem = ca_pem;
  kubeconfig.user = admin_user;
  kubeconfig.token = admin_token;
  if (!write_file(dir / "kubeconfig", kubesim::render_kubeconfig(kubeconfig)))
    return fail("cannot write kubeconfig");
  if (!write_file(dir / "token", admin_token + "\n")) return fail("cannot write token");
  if (!write_file(dir / "ready", std::to_string(server.port()) + "\n")) return fail("cannot write ready");
  std::fprintf(stderr, "kube-sim: serving %s (kubeconfig %s)\n", kubeconfig.server.c_str(),
               (dir / "kubeconfig").c_str());

  devenv::net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int) {
    if (error) return;
    api.stop();
    server.stop(std::chrono::seconds(2));
  });
  io.run();
  return 0;
}
