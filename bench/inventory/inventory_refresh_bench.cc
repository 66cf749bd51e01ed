// inventory_refresh_bench: what one inventory refresh costs the scaler side. Runs the real cacher (EC2 and RDS
// Query clients, SigV4, every page) against an already running fake AWS endpoint (tests/aws/fake_aws.py) and
// stores each snapshot in SQLite or DynamoDB (dynalite), timing the refresh and, separately, the store write.
// Counts the requests of each refresh from the fake's request log and reports this process's peak RSS (the
// fake and dynalite are other processes). bench/inventory/run.sh starts the peers and runs it.
//
//   inventory_refresh_bench --aws URL [--store sqlite|dynamodb] [--dynamodb URL] [--rounds 3]
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/ec2_client.h"
#include "aws/rds_client.h"
#include "aws/signed_client.h"
#include "http/curl_client.h"
#include "inventory/aws_cloud_api.h"
#include "inventory/cacher.h"
#include "inventory/dynamodb_store.h"
#include "inventory/sqlite_store.h"

namespace {

using namespace devenv;
using steady = std::chrono::steady_clock;

double ms_since(steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(steady::now() - t0).count();
}

// User + system CPU time of this process so far.
double cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

long status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  }
  return -1;
}

// Forwards to the real store and remembers how long the last replace() took.
class timed_store : public inventory::inventory_store {
 public:
  explicit timed_store(inventory::inventory_store& inner) : inner_(inner) {}
  result<void> replace(const inventory::snapshot& s) override {
    const auto t0 = steady::now();
    auto r = inner_.replace(s);
    last_replace_ms = ms_since(t0);
    return r;
  }
  result<std::optional<inventory::snapshot>> load() override { return inner_.load(); }
  double last_replace_ms = 0;

 private:
  inventory::inventory_store& inner_;
};

// The fake's request log: how many Query requests of each action it has seen so far.
std::map<std::string, int> requests_by_action(const http::curl_client& http, const std::string& aws_url) {
  http::client_request r;
  r.url = aws_url + "/_fake/requests";
  auto answer = http.perform(r);
  if (!answer || answer->status != 200) throw std::runtime_error("cannot read " + r.url);
  std::map<std::string, int> counts;
  for (const auto& entry : nlohmann::json::parse(answer->body)) ++counts[entry.value("action", "")];
  return counts;
}

struct options {
  std::string aws_url;
  std::string store = "sqlite";
  std::string dynamodb_url;
  int rounds = 3;
};

int usage(const char* why) {
  std::fprintf(stderr,
               "inventory_refresh_bench: %s\nusage: inventory_refresh_bench --aws URL [--store sqlite|dynamodb] "
               "[--dynamodb URL] [--rounds N]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return usage(("missing value after " + flag).c_str());
    const std::string value = argv[i + 1];
    if (flag == "--aws") {
      o.aws_url = value;
    } else if (flag == "--store") {
      o.store = value;
    } else if (flag == "--dynamodb") {
      o.dynamodb_url = value;
    } else if (flag == "--rounds") {
      o.rounds = std::atoi(value.c_str());
    } else {
      return usage(("unknown option " + flag).c_str());
    }
  }
  if (o.aws_url.empty()) return usage("--aws URL is required");
  if (o.store != "sqlite" && o.store != "dynamodb") return usage("--store is sqlite or dynamodb");
  if (o.store == "dynamodb" && o.dynamodb_url.empty()) return usage("--store dynamodb needs --dynamodb URL");
  if (o.rounds < 1) return usage("--rounds must be at least 1");
  spdlog::set_level(spdlog::level::warn);

  http::curl_client http;
  auto provider = std::make_shared<aws::static_credentials_provider>(
      aws::credentials{"AKIDFAKE", "fake-secret", "", std::nullopt, "bench"});
  aws::signed_client ec2_transport(http, provider, aws::service_endpoint{o.aws_url, "eu-west-1", "ec2"});
  aws::signed_client rds_transport(http, provider, aws::service_endpoint{o.aws_url, "eu-west-1", "rds"});
  aws::ec2_client ec2(ec2_transport);
  aws::rds_client rds(rds_transport);
  inventory::aws_cloud_api api(ec2, rds);

  const auto dir = std::filesystem::temp_directory_path() /
                   ("inventory-bench-" + std::to_string(steady::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir);
  std::unique_ptr<inventory::inventory_store> store;
  std::unique_ptr<aws::signed_client> dynamodb_transport;
  inventory::dynamodb_store* dynamodb = nullptr;
  if (o.store == "sqlite") {
    auto opened = inventory::sqlite_store::open(dir / "inventory.db");
    if (!opened) {
      std::fprintf(stderr, "sqlite: %s\n", opened.error().message.c_str());
      return 1;
    }
    store = std::move(*opened);
  } else {
    dynamodb_transport = std::make_unique<aws::signed_client>(
        http, provider, aws::service_endpoint{o.dynamodb_url, "eu-west-1", "dynamodb"});
    inventory::dynamodb_options d;
    d.table = "devenv-inventory-bench";
    d.create_table = true;
    auto owned = std::make_unique<inventory::dynamodb_store>(*dynamodb_transport, d);
    dynamodb = owned.get();
    if (auto ready = owned->ensure_table(); !ready) {
      std::fprintf(stderr, "dynamodb: %s\n", ready.error().message.c_str());
      return 1;
    }
    store = std::move(owned);
  }
  timed_store timed(*store);
  inventory::cacher cache(api, timed, {}, [] { return std::chrono::system_clock::now(); });

  std::printf("store=%s rounds=%d; VmRSS before: %ld KiB\n", o.store.c_str(), o.rounds, status_kib("VmRSS:"));
  int exit_code = 0;
  for (int round = 1; round <= o.rounds; ++round) {
    const auto before = requests_by_action(http, o.aws_url);
    const int dynamodb_before = dynamodb ? dynamodb->stats().requests : 0;
    const auto t0 = steady::now();
    const double cpu0 = cpu_ms();
    auto refreshed = cache.refresh();
    const double total = ms_since(t0);
    const double cpu = cpu_ms() - cpu0;
    if (!refreshed) {
      std::fprintf(stderr, "refresh %d failed: %s\n", round, refreshed.error().message.c_str());
      exit_code = 1;
      break;
    }
    const auto after = requests_by_action(http, o.aws_url);
    int requests = 0;
    std::string by_action;
    for (const auto& [action, n] : after) {
      const auto it = before.find(action);
      const int d = n - (it == before.end() ? 0 : it->second);
      if (d == 0) continue;
      requests += d;
      by_action += (by_action.empty() ? "" : ", ") + action + " " + std::to_string(d);
    }
    std::printf("refresh %d: %.1f ms (AWS describe %.1f ms, %s write %.1f ms; this process's CPU %.1f ms); "
                "%d AWS requests (%s); %zu resources in %zu environments",
                round, total, total - timed.last_replace_ms, o.store.c_str(), timed.last_replace_ms, cpu, requests,
                by_action.c_str(), *refreshed, cache.current()->envs.size());
    if (dynamodb) std::printf("; %d DynamoDB requests", dynamodb->stats().requests - dynamodb_before);
    std::printf("\n");
  }
  if (exit_code == 0) {
    // What a restarted replica does first: read the last good inventory back.
    const auto t0 = steady::now();
    auto loaded = store->load();
    if (!loaded || !*loaded) {
      std::fprintf(stderr, "loading the stored inventory failed\n");
      exit_code = 1;
    } else {
      std::printf("load: %.1f ms, %zu resources\n", ms_since(t0), (*loaded)->size());
    }
  }
  std::printf("VmHWM (peak RSS): %ld KiB; VmRSS after: %ld KiB\n", status_kib("VmHWM:"), status_kib("VmRSS:"));
  store.reset();
  std::filesystem::remove_all(dir);
  return exit_code;
}
