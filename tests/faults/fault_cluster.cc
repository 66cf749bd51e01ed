#include "faults/fault_cluster.h"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>

#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;

constexpr const char* kAdmin = "admin:admin-token-0123456789";

std::string workload_manifest(const std::string& ns, const random_workload& w) {
  const bool sts = w.kind == "statefulset";
  std::string out = "---\napiVersion: apps/v1\nkind: " + std::string(sts ? "StatefulSet" : "Deployment") +
                    "\nmetadata:\n  name: " + w.name + "\n  namespace: " + ns + "\n";
  if (w.excluded) out += "  annotations:\n    devenv-scaler/exclude: \"true\"\n";
  out += "spec:\n  replicas: " + std::to_string(w.replicas) + "\n";
  if (sts) out += "  serviceName: " + w.name + "\n";
  out += "  selector:\n    matchLabels: {app: " + w.name +
         "}\n  template:\n    metadata:\n      labels: {app: " + w.name +
         "}\n    spec:\n      containers: [{name: main, image: busybox}]\n";
  return out;
}

}  // namespace

environment_set random_environments(std::mt19937_64& random, int count, const std::string& prefix) {
  environment_set out;
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(random); };
  for (int i = 1; i <= count; ++i) {
    auto& workloads = out[prefix + std::to_string(i)];
    const int n = uniform(1, 5);
    for (int k = 0; k < n; ++k) {
      random_workload w;
      w.kind = uniform(0, 2) == 0 ? "statefulset" : "deployment";
      w.name = "w" + std::to_string(k);
      w.replicas = uniform(0, 4) == 0 ? 0 : uniform(1, 5);
      w.excluded = uniform(0, 14) == 0;
      workloads.push_back(w);
    }
  }
  return out;
}

std::string seed_manifest(const environment_set& environments) {
  std::string out;
  for (const auto& [ns, workloads] : environments) {
    out += "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n";
    for (const auto& w : workloads) out += workload_manifest(ns, w);
  }
  return out;
}

fault_cluster::fault_cluster(const std::filesystem::path& dir, const environment_set& environments,
                             std::uint64_t seed, std::vector<std::string> kube_sim_args)
    : dir_(dir) {
  std::filesystem::create_directories(dir_);
  const auto seed_file = dir_ / "environments.yaml";
  { std::ofstream(seed_file) << seed_manifest(environments); }
  kube_sim_args.insert(kube_sim_args.end(), {"--seed", seed_file.string(), "--ready-delay", "0ms",
                                             "--fault-seed", std::to_string(seed)});
  sim_ = std::make_unique<kube_sim_process>(dir_, kube_sim_args);
  if (!sim_->ready()) return;
  const std::string url = sim_->url();
  const auto sim_port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  proxy_ = std::make_unique<fault_proxy>(sim_port, seed);
  proxied_kubeconfig_ = dir_ / "kubeconfig-via-proxy";
  {
    std::ofstream(proxied_kubeconfig_)
        << kubeconfig_via_port(read_file(sim_->kubeconfig()), sim_port, proxy_->port());
  }
  start_scaler();
}

void fault_cluster::start_scaler() {
  // The reconciler is off: these tests are about replica counts, and its CronJob writes would only share
  // the fault budget. Kubernetes calls time out after 5 s so a cut connection is noticed quickly.
  scaler_ = std::make_unique<scaler_process>(
      dir_ / ("scaler-" + std::to_string(scaler_generation_++)), proxied_kubeconfig_, kAdmin,
      std::map<std::string, std::string>{{"DEVENV_KUBE_QPS", "500"},
                                         {"DEVENV_KUBE_BURST", "500"},
                                         {"DEVENV_KUBE_TIMEOUT_SECONDS", "5"},
                                         {"DEVENV_RECONCILE", "false"}});
}

bool fault_cluster::ready() const {
  return sim_ && sim_->ready() && scaler_ && scaler_->ready();
}

std::string fault_cluster::failure_log() {
  std::string out;
  if (scaler_) {
    const auto log = scaler_->process().log();
    out += "--- devenv-scaler (last 3000 bytes)\n" + log.substr(log.size() > 3000 ? log.size() - 3000 : 0);
  }
  if (sim_) {
    const auto log = sim_->process().log();
    out += "\n--- kube-sim (last 2000 bytes)\n" + log.substr(log.size() > 2000 ? log.size() - 2000 : 0);
  }
  return out;
}

bool fault_cluster::restart_scaler() {
  scaler_->process().stop(SIGKILL, std::chrono::seconds(5));
  start_scaler();
  return scaler_->ready();
}

http::client_request fault_cluster::sim_request(const std::string& method, const std::string& path) const {
  http::client_request r;
  r.method = method;
  r.url = sim_->url() + path;
  r.headers = {{"Authorization", "Bearer " + sim_->admin_token()}, {"Content-Type", "application/json"}};
  r.tls.ca_file = (sim_->kubeconfig().parent_path() / "ca.crt").string();
  return r;
}

bool fault_cluster::set_sim_faults(const std::string& json_body) {
  auto r = sim_request("POST", "/_sim/faults");
  r.body = json_body;
  const auto response = client_.perform(r);
  return response && response->status == 200;
}

bool fault_cluster::clear_sim_faults() {
  const auto response = client_.perform(sim_request("DELETE", "/_sim/faults"));
  return response && response->status == 200;
}

std::uint64_t fault_cluster::sim_request_index() {
  const auto response = client_.perform(sim_request("GET", "/_sim/state"));
  if (!response || response->status != 200) return 0;
  return json::parse(response->body).value("nextRequestIndex", std::uint64_t{0});
}

std::map<std::string, observed_workload> fault_cluster::observe() {
  std::map<std::string, observed_workload> out;
  for (const auto& [kind, resource] :
       {std::pair{"deployment", "deployments"}, {"statefulset", "statefulsets"}}) {
    const auto response = client_.perform(sim_request("GET", std::string("/apis/apps/v1/") + resource));
    if (!response || response->status != 200) {
      out["<error>/" + std::string(resource)] = {};
      continue;
    }
    const auto list = json::parse(response->body);
    for (const auto& item : list["items"]) {
      const auto& meta = item["metadata"];
      observed_workload w;
      w.replicas = item["spec"].value("replicas", 1);
      const auto annotations = meta.value("annotations", json::object());
      if (annotations.contains("devenv-scaler/original-replicas"))
        w.saved = std::atoi(annotations["devenv-scaler/original-replicas"].get<std::string>().c_str());
      out[meta["namespace"].get<std::string>() + "/" + kind + "/" + meta["name"].get<std::string>()] = w;
    }
  }
  return out;
}

std::pair<long, std::string> fault_cluster::call(const std::string& method, const std::string& path,
                                                 const std::string& token) {
  return call_at(scaler_->url(), method, path, token);
}

std::pair<long, std::string> fault_cluster::call_at(const std::string& base_url, const std::string& method,
                                                    const std::string& path, const std::string& token) {
  http::client_request r;
  r.method = method;
  r.url = base_url + path;
  if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
  r.timeout = std::chrono::seconds(120);
  const auto response = client_.perform(r);
  if (!response) return {0, response.error().message};
  return {response->status, response->body};
}

converge_result fault_cluster::converge(const std::string& action, const std::vector<std::string>& namespaces,
                                        int max_rounds) {
  converge_result result;
  std::vector<std::string> pending = namespaces;
  std::mutex mutex;
  const std::string base_url = scaler_->url();
  while (!pending.empty() && result.rounds < max_rounds) {
    ++result.rounds;
    result.failed.clear();
    // Four clients at once, like several people (or CronJobs) acting together.
    std::vector<std::future<void>> workers;
    std::size_t next = 0;
    for (int t = 0; t < 4; ++t) {
      workers.push_back(std::async(std::launch::async, [&] {
        for (;;) {
          std::string ns;
          {
            std::lock_guard lock(mutex);
            if (next >= pending.size()) return;
            ns = pending[next++];
          }
          const auto [status, body] = call_at(base_url, "POST", "/api/v1/environments/" + ns + "/" + action,
                                              "admin-token-0123456789");
          if (status == 200) continue;
          std::lock_guard lock(mutex);
          ++result.partial_answers;
          result.failed[ns] = std::to_string(status) + " " + body.substr(0, 400);
        }
      }));
    }
    for (auto& w : workers) w.get();
    pending.clear();
    for (const auto& [ns, answer] : result.failed) {
      const long status = std::atol(answer.c_str());
      // Bad input never converges: only partial failures, transport errors, 409, 429 and 5xx are repeated.
      if (status != 0 && status != 207 && status != 409 && status != 429 && status < 500) return result;
      pending.push_back(ns);
    }
  }
  return result;
}

namespace {

std::string key(const std::string& ns, const random_workload& w) {
  return ns + "/" + w.kind + "/" + w.name;
}

template <typename Expect>
std::vector<std::string> differences(const environment_set& environments,
                                     const std::map<std::string, observed_workload>& seen, Expect expect) {
  std::vector<std::string> out;
  for (const auto& [ns, workloads] : environments) {
    for (const auto& w : workloads) {
      const auto it = seen.find(key(ns, w));
      if (it == seen.end()) {
        out.push_back(key(ns, w) + " is missing");
        continue;
      }
      const observed_workload want = expect(w);
      if (it->second.replicas != want.replicas || it->second.saved != want.saved) {
        out.push_back(key(ns, w) + ": replicas " + std::to_string(it->second.replicas) + " saved " +
                      std::to_string(it->second.saved) + ", want replicas " + std::to_string(want.replicas) +
                      " saved " + std::to_string(want.saved) + " (original " + std::to_string(w.replicas) +
                      (w.excluded ? ", excluded)" : ")"));
      }
    }
  }
  for (const auto& [k, w] : seen) {
    if (k.starts_with("<error>")) out.push_back("could not read " + k);
  }
  return out;
}

}  // namespace

std::vector<std::string> differences_when_stopped(const environment_set& environments,
                                                  const std::map<std::string, observed_workload>& seen) {
  return differences(environments, seen, [](const random_workload& w) {
    if (w.excluded || w.replicas == 0) return observed_workload{w.replicas, -1};
    return observed_workload{0, w.replicas};
  });
}

std::vector<std::string> differences_when_running(const environment_set& environments,
                                                  const std::map<std::string, observed_workload>& seen) {
  return differences(environments, seen, [](const random_workload& w) {
    return observed_workload{w.replicas, -1};
  });
}

int seed_count(const char* variable, int fallback) {
  const char* value = std::getenv(variable);
  if (value == nullptr || *value == '\0') return fallback;
  const int n = std::atoi(value);
  return n > 0 ? n : fallback;
}

}  // namespace devenv::testing
