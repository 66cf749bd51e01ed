#include "app/cli_client.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "http/curl_client.h"

namespace devenv::app {

namespace {

std::string read_token(const cli_options& o) {
  if (o.token_file.empty()) return o.token;
  std::ifstream in(o.token_file);
  std::stringstream s;
  s << in.rdbuf();
  auto token = s.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  return token;
}

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

int num(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
}

}  // namespace

std::string render_report(const nlohmann::json& r) {
  const auto& counts = r.value("counts", nlohmann::json::object());
  std::string out = fmt::format("{} {}: {} ({} changed, {} skipped, {} failed)\n", str(r, "action"),
                                str(r, "environment"), r.value("ok", false) ? "done" : "FAILED",
                                num(counts, "changed"), num(counts, "skipped"), num(counts, "failed"));
  for (const auto& i : r.value("items", nlohmann::json::array())) {
    out += fmt::format("  {:<12} {:<32} {:>3} -> {:<3} {:<9} {}\n", str(i, "kind"), str(i, "name"),
                       num(i, "from"), num(i, "to"), str(i, "outcome"), str(i, "message"));
  }
  for (const auto& w : r.value("warnings", nlohmann::json::array())) {
    if (w.is_string()) out += "  warning: " + w.get<std::string>() + "\n";
  }
  return out;
}

std::string render_status(const nlohmann::json& s) {
  std::string out =
      fmt::format("{}: {} (scheduler {})\n", str(s, "name"), str(s, "state"), str(s, "scheduler"));
  const auto& last = s.value("lastAction", nlohmann::json());
  if (last.is_object()) {
    out += fmt::format("last action: {} by {} via {} at {}\n", str(last, "action"), str(last, "actor"),
                       str(last, "source"), str(last, "time"));
  }
  out += fmt::format("  {:<12} {:<32} {:>5} {:>7} {:>5}\n", "KIND", "NAME", "READY", "DESIRED", "SAVED");
  for (const auto& w : s.value("workloads", nlohmann::json::array())) {
    const auto saved = w.contains("saved") && w["saved"].is_number_integer()
                           ? std::to_string(w["saved"].get<int>())
                           : std::string("-");
    out +=
        fmt::format("  {:<12} {:<32} {:>5} {:>7} {:>5}{}\n", str(w, "kind"), str(w, "name"), num(w, "ready"),
                    num(w, "desired"), saved, w.value("excluded", false) ? "  (excluded)" : "");
  }
  return out;
}

std::string render_list(const nlohmann::json& l) {
  std::string out =
      fmt::format("{:<32} {:<16} {:<10} {:>9}\n", "ENVIRONMENT", "STATE", "SCHEDULER", "WORKLOADS");
  for (const auto& e : l.value("environments", nlohmann::json::array())) {
    out += fmt::format("{:<32} {:<16} {:<10} {:>9}{}\n", str(e, "name"), str(e, "state"), str(e, "scheduler"),
                       num(e, "workloads"), e.contains("error") ? "  error: " + str(e, "error") : "");
  }
  return out;
}

int run_cli(const cli_options& o, const std::string& action, const std::string& environment,
            std::ostream& out, std::ostream& err) {
  http::client_request req;
  std::string base = o.server;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (action == "list") {
    req.url = base + "/api/v1/environments";
  } else if (action == "status") {
    req.url = base + "/api/v1/environments/" + environment;
  } else {
    req.method = "POST";
    req.url = base + "/api/v1/environments/" + environment + "/" + action;
    req.headers.emplace_back("Content-Type", "application/json");
  }
  const auto token = read_token(o);
  if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
  req.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(o.timeout);
  req.tls.ca_file = o.ca_file;

  http::curl_client client;
  auto res = client.perform(req);
  if (!res) {
    err << "error: " << res.error().message << "\n";
    return 2;
  }
  const auto body = nlohmann::json::parse(res->body, nullptr, false);
  if (body.is_discarded()) {
    err << fmt::format("error: server answered {} with a body that is not JSON\n", res->status);
    return 2;
  }
  if (res->status >= 400) {
    err << fmt::format("error ({}): {}\n", str(body, "code"), str(body, "message"));
    return res->status == 401 || res->status == 403 || res->status == 400 || res->status == 404 ? 1 : 2;
  }
  if (o.output_json) {
    out << body.dump(2) << "\n";
  } else if (action == "list") {
    out << render_list(body);
  } else if (action == "status") {
    out << render_status(body);
  } else {
    out << render_report(body);
  }
  if (action == "stop" || action == "start") return body.value("ok", false) ? 0 : 1;
  return 0;
}

}  // namespace devenv::app
