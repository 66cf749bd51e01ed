#include "inventory/aws_runtime.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <thread>

#include "aws/credential_chain.h"
#include "aws/endpoint.h"
#include "aws/signed_client.h"
#include "http/curl_client.h"
#include "inventory/aws_cloud_api.h"
#include "inventory/dynamodb_store.h"
#include "inventory/refresh_loop.h"
#include "inventory/sqlite_store.h"

namespace devenv::inventory {

struct aws_runtime::parts {
  aws_settings settings;
  http::curl_client http;
  std::shared_ptr<aws::credentials_provider> credentials;
  std::unique_ptr<aws::signed_client> ec2_transport;
  std::unique_ptr<aws::signed_client> rds_transport;
  std::unique_ptr<aws::signed_client> dynamodb_transport;
  std::unique_ptr<aws::ec2_client> ec2;
  std::unique_ptr<aws::rds_client> rds;
  std::unique_ptr<aws_cloud_api> api;
  std::unique_ptr<inventory_store> store;
  std::unique_ptr<cacher> cache;
  std::unique_ptr<cloud_resources> resources;
};

aws_runtime::aws_runtime(std::unique_ptr<parts> p) : parts_(std::move(p)) {}
aws_runtime::~aws_runtime() = default;
cacher& aws_runtime::cache() {
  return *parts_->cache;
}
cloud_resources& aws_runtime::resources() {
  return *parts_->resources;
}
const aws_settings& aws_runtime::settings() const {
  return parts_->settings;
}

result<std::unique_ptr<aws_runtime>> aws_runtime::create(const aws_settings& settings, aws::env_lookup env,
                                                         clock_fn clock) {
  auto p = std::make_unique<parts>();
  p->settings = settings;
  auto files = aws::load_profiles(env);
  if (!files) return tl::unexpected(files.error());
  p->credentials = aws::default_credentials_chain(env, *files, p->http);
  auto transport = [&](const aws::service_info& service) -> result<std::unique_ptr<aws::signed_client>> {
    auto endpoint = aws::resolve_endpoint(service, env, *files, settings.region);
    if (!endpoint) return tl::unexpected(endpoint.error());
    spdlog::info("aws: {} at {} ({})", service.id, endpoint->url, endpoint->region);
    return std::make_unique<aws::signed_client>(p->http, p->credentials, *endpoint);
  };
  auto ec2 = transport(aws::ec2_service);
  if (!ec2) return tl::unexpected(ec2.error());
  auto rds = transport(aws::rds_service);
  if (!rds) return tl::unexpected(rds.error());
  p->ec2_transport = std::move(*ec2);
  p->rds_transport = std::move(*rds);
  p->ec2 = std::make_unique<aws::ec2_client>(*p->ec2_transport);
  p->rds = std::make_unique<aws::rds_client>(*p->rds_transport);
  p->api = std::make_unique<aws_cloud_api>(*p->ec2, *p->rds);
  if (settings.store == store_kind::dynamodb) {
    auto dynamodb = transport(aws::dynamodb_service);
    if (!dynamodb) return tl::unexpected(dynamodb.error());
    p->dynamodb_transport = std::move(*dynamodb);
    dynamodb_options options;
    options.table = settings.dynamodb_table;
    options.create_table = settings.create_table;
    p->store = std::make_unique<dynamodb_store>(*p->dynamodb_transport, options);
  } else {
    auto sqlite = sqlite_store::open(settings.sqlite_path);
    if (!sqlite) return tl::unexpected(sqlite.error());
    p->store = std::move(*sqlite);
  }
  p->cache = std::make_unique<cacher>(*p->api, *p->store, settings.tags, clock);
  if (auto loaded = p->cache->load(); !loaded) {
    spdlog::warn("inventory: the stored inventory cannot be read yet: {}", loaded.error().message);
  }
  wait_options wait{settings.wait_for_ready, settings.wait_timeout, settings.wait_interval};
  p->resources = std::make_unique<cloud_resources>(
      *p->api, *p->cache, wait, clock, [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
  return std::unique_ptr<aws_runtime>(new aws_runtime(std::move(p)));
}

namespace {
std::atomic<bool> cacher_stop{false};
extern "C" void on_cacher_signal(int) {
  cacher_stop = true;
}
}  // namespace

int run_standalone_cacher(const aws_settings& settings, aws::env_lookup env) {
  if (!settings.enabled) {
    spdlog::error("cacher: aws.enabled is false (set it or DEVENV_AWS_ENABLED=true)");
    return 2;
  }
  auto runtime =
      aws_runtime::create(settings, std::move(env), [] { return std::chrono::system_clock::now(); });
  if (!runtime) {
    spdlog::error("cacher: {}", runtime.error().message);
    return 2;
  }
  std::signal(SIGINT, on_cacher_signal);
  std::signal(SIGTERM, on_cacher_signal);
  spdlog::info("cacher: refreshing every {} s", settings.refresh_period.count());
  refresh_loop_options options;
  options.period = settings.refresh_period;
  run_refresh_loop((*runtime)->cache(), nullptr, options, cacher_stop);
  spdlog::info("cacher: stopped");
  return 0;
}

}  // namespace devenv::inventory
