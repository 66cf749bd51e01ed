// inventory_refresh_bench: one cacher refresh of N EC2 instances (default 5,000) plus RDS instances and
// clusters, over pages, against tests/aws/fake_aws.py (which checks every signature and parameter with
// botocore), into the SQLite store. Prints the time of each refresh, the requests per refresh and the peak
// RSS of this process (the fake endpoint is a separate process).
//   inventory_refresh_bench [--instances 5000] [--databases 300] [--clusters 30] [--envs 100] [--rounds 3]
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "aws/ec2_client.h"
#include "aws/fake_aws.h"
#include "aws/rds_client.h"
#include "http/curl_client.h"
#include "inventory/aws_cloud_api.h"
#include "inventory/cacher.h"
#include "inventory/sqlite_store.h"
#include "support/temp_dir.h"

namespace {

long rss_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace devenv;
  int instances = 5000, databases = 300, clusters = 30, envs = 100, rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--instances") instances = value;
    if (flag == "--databases") databases = value;
    if (flag == "--clusters") clusters = value;
    if (flag == "--envs") envs = value;
    if (flag == "--rounds") rounds = value;
  }
  spdlog::set_level(spdlog::level::warn);
  auto tags = [&](int i) {
    // Nine in ten are tagged for an environment; the rest belong to nobody (filtered out).
    if (i % 10 == 9) return nlohmann::json{{"Name", "other-" + std::to_string(i)}};
    return nlohmann::json{{"namespace", "dev" + std::to_string(i % envs)}, {"scheduler", "enabled"}};
  };
  nlohmann::json ec2 = nlohmann::json::array(), rds = nlohmann::json::array(),
                 aurora = nlohmann::json::array();
  for (int i = 0; i < instances; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "i-%017x", i);
    ec2.push_back({{"id", id},
                   {"type", "t3.micro"},
                   {"state", i % 3 ? "running" : "stopped"},
                   {"launch_time", "2026-01-01T00:00:00Z"},
                   {"tags", tags(i)}});
  }
  for (int i = 0; i < databases; ++i) {
    rds.push_back({{"id", "db-" + std::to_string(i)},
                   {"class", "db.t3.micro"},
                   {"engine", "postgres"},
                   {"status", "available"},
                   {"cluster", ""},
                   {"tags", tags(i)}});
  }
  for (int i = 0; i < clusters; ++i) {
    aurora.push_back({{"id", "aurora-" + std::to_string(i)},
                      {"engine", "aurora-postgresql"},
                      {"status", "available"},
                      {"members", nlohmann::json::array()},
                      {"tags", tags(i)}});
  }
  testing::temp_dir dir("inventory-bench");
  // Pages as AWS serves them at most: 1000 EC2 instances, 100 RDS records.
  testing::fake_aws peer(dir.path() / "aws", testing::fake_aws_fixture(ec2, rds, aurora, 1000));
  if (!peer.ready()) {
    std::fprintf(stderr, "fake_aws did not start:\n%s\n", peer.log().c_str());
    return 1;
  }
  auto env = aws::map_environment(peer.environment());
  http::curl_client http;
  const auto creds = peer.environment();
  auto provider = std::make_shared<aws::static_credentials_provider>(aws::credentials{
      creds.at("AWS_ACCESS_KEY_ID"), creds.at("AWS_SECRET_ACCESS_KEY"), "", std::nullopt, "bench"});
  aws::signed_client ec2_transport(http, provider, aws::service_endpoint{peer.url(), "eu-west-1", "ec2"});
  aws::signed_client rds_transport(http, provider, aws::service_endpoint{peer.url(), "eu-west-1", "rds"});
  aws::ec2_client ec2_client(ec2_transport);
  aws::rds_client rds_client(rds_transport);
  inventory::aws_cloud_api api(ec2_client, rds_client);
  auto store = inventory::sqlite_store::open(dir.path() / "inventory.db");
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  inventory::cacher cache(api, **store, {}, [] { return std::chrono::system_clock::now(); });
  std::printf("instances=%d databases=%d clusters=%d envs=%d (9 in 10 tagged)\n", instances, databases,
              clusters, envs);
  std::printf("RSS before: %ld KiB\n", rss_kib("VmRSS:"));
  for (int round = 0; round < rounds; ++round) {
    const auto before = peer.requests().size();
    const auto t0 = std::chrono::steady_clock::now();
    auto refreshed = cache.refresh();
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!refreshed) {
      std::fprintf(stderr, "refresh failed: %s\n", refreshed.error().message.c_str());
      return 1;
    }
    const auto requests = peer.requests().size() - before;
    std::printf("refresh %d: %.1f ms, %zu requests, %zu resources stored in %zu environments\n", round + 1,
                ms, requests, *refreshed, cache.current()->envs.size());
  }
  std::printf("peak RSS: %ld KiB (VmHWM)\n", rss_kib("VmHWM:"));
  return 0;
}
