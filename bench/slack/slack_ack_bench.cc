// Acknowledgement latency of /slack/commands under a steady rate of signed requests.
//
// In one process: kube-sim (child process, port 0) seeded with N environments, the real
// environment_service + kube_workload_store, the Slack routes on an http::server (one I/O thread, as
// serve.cc runs it) with a worker pool, and a fake Slack receiving the response_url posts. An open-loop
// generator sends signed slash commands at a fixed rate from several threads over keep-alive connections;
// each latency is measured from the request's *scheduled* send time, so a stalled server cannot hide its
// backlog (no coordinated omission). The mix is stop/start (acknowledged, then run in the background
// against kube-sim), status (read inline), and help/parse errors (answered without I/O).
//
// Usage: slack_ack_bench [--rate 200] [--seconds 30] [--threads 16] [--envs 40] [--workers 8]
// Prints a Markdown table; exit status 1 when any request failed.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "env/kube_workload_store.h"
#include "http/curl_client.h"
#include "kube/client.h"
#include "kube/config.h"
#include "slack/bot/routes.h"
#include "slack/signature.h"
#include "support/fake_slack.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace {

using namespace devenv;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

struct options {
  double rate = 200;
  int seconds = 30;
  int threads = 16;
  int envs = 40;
  int workers = 8;
};

options parse_args(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const double v = std::atof(argv[i + 1]);
    if (flag == "--rate")
      o.rate = v;
    else if (flag == "--seconds")
      o.seconds = static_cast<int>(v);
    else if (flag == "--threads")
      o.threads = static_cast<int>(v);
    else if (flag == "--envs")
      o.envs = static_cast<int>(v);
    else if (flag == "--workers")
      o.workers = static_cast<int>(v);
    else {
      std::cerr << "unknown flag " << flag << "\n";
      std::exit(2);
    }
  }
  return o;
}

std::string seed(int envs) {
  std::string out;
  for (int e = 0; e < envs; ++e) {
    const std::string ns = "bench" + std::to_string(e);
    out += "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n";
    for (int w = 0; w < 5; ++w) {
      const std::string name = "app" + std::to_string(w);
      out += "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
             "\n  namespace: " + ns + "\nspec:\n  replicas: " + std::to_string(1 + w % 3) +
             "\n  selector:\n    matchLabels: {app: " + name +
             "}\n  template:\n    metadata:\n      labels: {app: " + name +
             "}\n    spec:\n      containers: [{name: main, image: nginx}]\n";
    }
  }
  return out;
}

std::string form_escape(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

long kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field) + 1);
  }
  return 0;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  const auto opt = parse_args(argc, argv);
  spdlog::set_level(spdlog::level::warn);
  if (std::getenv("DEVENV_BINARY_DIR") == nullptr) {
    // bench/slack/slack_ack_bench → the build tree is two folders up.
    const auto self = std::filesystem::canonical("/proc/self/exe");
    setenv("DEVENV_BINARY_DIR", self.parent_path().parent_path().parent_path().c_str(), 1);
  }

  testing::temp_dir dir("slack-bench");
  const auto seed_file = dir.write("seed.yaml", seed(opt.envs));
  testing::kube_sim_process sim(dir.path(), {"--ready-delay", "0ms", "--seed", seed_file.string()});
  if (!sim.ready()) {
    std::cerr << "kube-sim did not start:\n" << sim.process().log();
    return 2;
  }
  auto config = kube::load_kubeconfig(sim.kubeconfig());
  if (!config) return 2;
  kube::client_options kube_options;
  kube_options.qps = 0;
  kube::client kube_client(*config, kube_options);
  env::kube_workload_store store(kube_client);
  env::environment_service environments(store, [] { return std::chrono::system_clock::now(); });

  testing::fake_slack slack;
  slack::slack_settings settings;
  settings.enabled = true;
  settings.signing_secret = "bench-signing-secret";
  settings.response_url_prefixes = {slack.url_prefix()};
  settings.access = slack::access_policy({}, {"default", {}, {}, {}, {"*"}, {"*"}});
  slack::web_api_options web_options;
  web_options.response_url_prefixes = settings.response_url_prefixes;
  slack::web_api_client web(web_options);
  metrics::registry metrics;
  net::thread_pool workers(static_cast<std::size_t>(opt.workers));
  net::io_context io(1);
  slack::slack_context ctx;
  ctx.environments = &environments;
  ctx.workers = &workers;
  ctx.metrics = &metrics;
  ctx.wall_clock = [] { return std::chrono::system_clock::now(); };
  ctx.settings = &settings;
  ctx.web = &web;
  auto router = std::make_shared<http::router>();
  slack::add_slack_routes(*router, ctx);
  http::server server(io, http::server_options{},
                      [router](http::request& req) -> net::awaitable<http::response> {
                        auto m = router->find(req.method, req.raw_path);
                        if (!m.handler) co_return http::response::text(m.status, "no\n");
                        co_return co_await (*m.handler)(req, m.params);
                      });
  server.start();
  std::thread io_thread([&] { io.run(); });
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/slack/commands";
  const long rss_idle = kib("VmRSS");

  // The request mix, by sequence number: what was sent and what a correct answer contains.
  struct kind {
    const char* name;
    std::string text;
    const char* expect;
  };
  auto request_for = [&](std::size_t j) -> kind {
    const std::string ns = "bench" + std::to_string((j / 10) % static_cast<std::size_t>(opt.envs));
    switch (j % 10) {
      case 0:
      case 5:
        return {"stop/start",
                ((j / 10) / static_cast<std::size_t>(opt.envs)) % 2 == 0 ? "stop " + ns : "start " + ns,
                "ing `"};
      case 1:
      case 3:
      case 6:
      case 8:
        return {"status", "status " + ns, "` is "};
      case 2:
      case 7:
        return {"help", "help", "prolongate"};
      default:
        return {"parse error", "stpo " + ns, "Did you mean"};
    }
  };

  const std::size_t total = static_cast<std::size_t>(opt.rate * opt.seconds);
  std::mutex mutex;
  std::map<std::string, std::vector<double>> latencies;  // ms, by kind
  std::vector<double> all;
  std::atomic<std::size_t> errors{0};
  std::atomic<std::size_t> sent{0};
  http::curl_client http_client;
  const auto t0 = clock_type::now() + 200ms;
  std::vector<std::thread> threads;
  for (int t = 0; t < opt.threads; ++t) {
    threads.emplace_back([&, t] {
      std::map<std::string, std::vector<double>> mine;
      for (std::size_t j = static_cast<std::size_t>(t); j < total;
           j += static_cast<std::size_t>(opt.threads)) {
        const auto scheduled = t0 + std::chrono::duration_cast<clock_type::duration>(
                                        std::chrono::duration<double>(static_cast<double>(j) / opt.rate));
        std::this_thread::sleep_until(scheduled);
        const auto k = request_for(j);
        const std::string body =
            "team_id=T1&team_domain=bench&channel_id=C1&channel_name=bench&user_id=U" + std::to_string(t) +
            "&user_name=bench" + std::to_string(t) + "&command=%2Fdevenv&text=" + form_escape(k.text) +
            "&api_app_id=A1&response_url=" + form_escape(slack.response_url(std::to_string(j))) +
            "&trigger_id=1.2.3";
        const auto ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
        http::client_request req;
        req.method = "POST";
        req.url = url;
        req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"X-Slack-Request-Timestamp", ts},
                       {"X-Slack-Signature", slack::sign(settings.signing_secret, ts, body)}};
        req.body = body;
        req.timeout = 10s;
        auto r = http_client.perform(req);
        const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - scheduled).count();
        sent.fetch_add(1);
        if (!r || r->status != 200 || r->body.find(k.expect) == std::string::npos) {
          if (errors.fetch_add(1) < 5) {
            std::cerr << "error on '" << k.text
                      << "': " << (r ? std::to_string(r->status) + " " + r->body : r.error().message) << "\n";
          }
          continue;
        }
        mine[k.name].push_back(ms);
      }
      std::lock_guard lock(mutex);
      for (auto& [name, v] : mine) {
        latencies[name].insert(latencies[name].end(), v.begin(), v.end());
        all.insert(all.end(), v.begin(), v.end());
      }
    });
  }
  for (auto& th : threads) th.join();
  const double elapsed = std::chrono::duration<double>(clock_type::now() - t0).count();
  const long rss_peak = kib("VmHWM");

  // Let the background work finish so its failures count too.
  const double started =
      metrics.counter_value("devenv_slack_background_total", {{"task", "stop"}, {"result", "started"}}) +
      metrics.counter_value("devenv_slack_background_total", {{"task", "start"}, {"result", "started"}});
  const auto deadline = clock_type::now() + 120s;
  double done = 0;
  while (clock_type::now() < deadline) {
    done = metrics.counter_value("devenv_slack_response_posts_total", {{"result", "ok"}}) +
           metrics.counter_value("devenv_slack_response_posts_total", {{"result", "error"}});
    if (done >= started) break;
    std::this_thread::sleep_for(50ms);  // polling a counter with a deadline
  }
  const double post_errors =
      metrics.counter_value("devenv_slack_response_posts_total", {{"result", "error"}});

  std::cout << "| requests | kind | p50 ms | p99 ms | p99.9 ms | max ms |\n|---|---|---|---|---|---|\n";
  for (auto& [name, v] : latencies) {
    std::cout << "| " << v.size() << " | " << name << " | " << percentile(v, 0.5) << " | "
              << percentile(v, 0.99) << " | " << percentile(v, 0.999) << " | " << percentile(v, 1.0)
              << " |\n";
  }
  std::cout << "| " << all.size() << " | **all** | " << percentile(all, 0.5) << " | " << percentile(all, 0.99)
            << " | " << percentile(all, 0.999) << " | " << percentile(all, 1.0) << " |\n\n";
  std::cout << "rate " << opt.rate << "/s for " << opt.seconds << " s (achieved "
            << static_cast<double>(sent) / elapsed << "/s), " << opt.threads << " client threads, "
            << opt.workers << " workers, " << opt.envs << " environments x 5 Deployments\n";
  std::cout << "errors: " << errors << " answers, " << post_errors
            << " response_url posts; background actions " << started << " started, " << done << " posted\n";
  std::cout << "process RSS (server + load generator + fake Slack): idle " << rss_idle / 1024 << " MiB, peak "
            << rss_peak / 1024 << " MiB\n";

  net::post(io, [&] { server.stop(5s); });
  io_thread.join();
  workers.join();
  return errors == 0 && post_errors == 0 ? 0 : 1;
}
