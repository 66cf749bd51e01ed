#include "aws/fake_aws.h"

#include <fstream>
#include <stdexcept>

#include "http/curl_client.h"
#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

std::string control(const std::string& method, const std::string& url, const std::string& body = {}) {
  static const http::curl_client client;
  http::client_request r;
  r.method = method;
  r.url = url;
  r.body = body;
  r.timeout = std::chrono::seconds(10);
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  auto answer = client.perform(r);
  if (!answer || answer->status != 200) throw std::runtime_error("fake_aws control call failed: " + url);
  return answer->body;
}

}  // namespace

fake_aws::fake_aws(std::filesystem::path dir, const nlohmann::json& fixture)
    : dir_(std::move(dir)), fixture_(fixture) {
  std::filesystem::create_directories(dir_);
  const auto fixture_file = dir_ / "fixture.json";
  const auto port_file = dir_ / "port";
  {
    std::ofstream out(fixture_file);
    out << fixture.dump(2);
  }
  process_ = std::make_unique<child_process>(
      std::vector<std::string>{"/usr/bin/python3", source_path("tests/aws/fake_aws.py").string(), "--fixture",
                               fixture_file.string(), "--port-file", port_file.string()},
      dir_ / "fake_aws.log");
  ready_ = process_->wait_for_file(port_file);
  if (ready_) port_ = std::stoi(read_file(port_file));
}

fake_aws::~fake_aws() {
  process_->stop();
}

std::string fake_aws::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void fake_aws::add_fault(const nlohmann::json& fault) const {
  control("POST", url() + "/_fake/faults", fault.dump());
}

nlohmann::json fake_aws::requests() const {
  return nlohmann::json::parse(control("GET", url() + "/_fake/requests"));
}

int fake_aws::count(const std::string& action) const {
  int n = 0;
  for (const auto& r : requests()) n += r.value("action", "") == action ? 1 : 0;
  return n;
}

nlohmann::json fake_aws::state() const {
  return nlohmann::json::parse(control("GET", url() + "/_fake/state"));
}

void fake_aws::set_state(const nlohmann::json& state) const {
  control("POST", url() + "/_fake/state", state.dump());
}

std::map<std::string, std::string> fake_aws::environment() const {
  const auto& creds = fixture_.at("credentials").at(0);
  return {{"AWS_ENDPOINT_URL", url()},
          {"AWS_REGION", "eu-west-1"},
          {"AWS_ACCESS_KEY_ID", creds.at("access_key_id").get<std::string>()},
          {"AWS_SECRET_ACCESS_KEY", creds.at("secret_access_key").get<std::string>()}};
}

nlohmann::json fake_aws_fixture(nlohmann::json ec2_instances, nlohmann::json rds_instances,
                                nlohmann::json rds_clusters, int page_size) {
  return {{"credentials",
           {{{"access_key_id", "AKIDFAKE"}, {"secret_access_key", "fake-secret"}, {"session_token", ""}}}},
          {"page_size", page_size},
          {"ec2", {{"instances", std::move(ec2_instances)}}},
          {"rds", {{"instances", std::move(rds_instances)}, {"clusters", std::move(rds_clusters)}}}};
}

}  // namespace devenv::testing
