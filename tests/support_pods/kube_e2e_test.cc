// The real devenv-scaler binary against the real kube-sim: the `support:` section of the configuration file
// turns the REST routes on and shapes the Pod (lifetime, size), kubectl sees the result; without the section
// the routes are not served.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/curl_client.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::support {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string ci_token = "ci-token-0123456789abcdef";
const std::string ops_token = "ops-token-0123456789abcde";

struct reply {
  long status = 0;
  json body;
};

class SupportPodsEndToEnd : public ::testing::Test {
 protected:
  void start(const std::string& config_yaml) {
    const auto seed = dir_.write("seed.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tools\n");
    sim_ = std::make_unique<testing::kube_sim_process>(
        dir_.path() / "sim", std::vector<std::string>{"--ready-delay", "0ms", "--seed", seed.string()});
    ASSERT_TRUE(sim_->ready()) << sim_->process().log();
    const auto config = dir_.write("config.yaml", config_yaml);
    scaler_ = std::make_unique<testing::scaler_process>(
        dir_.path() / "scaler", sim_->kubeconfig(), "ci:" + ci_token + ",ops:" + ops_token,
        std::map<std::string, std::string>{{"DEVENV_CONFIG", config.string()},
                                           {"DEVENV_LEADER_ELECTION", "false"},
                                           {"DEVENV_RECONCILE", "false"}});
    ASSERT_TRUE(scaler_->ready()) << scaler_->process().log();
  }

  reply call(const std::string& method, const std::string& path, const std::string& token,
             const std::string& body = {}) {
    http::client_request req;
    req.method = method;
    req.url = scaler_->url() + path;
    req.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
    req.body = body;
    req.timeout = 10s;
    auto r = http_.perform(req);
    EXPECT_TRUE(r) << r.error().message;
    if (!r) return {};
    return {r->status, json::parse(r->body, nullptr, false)};
  }

  testing::temp_dir dir_{"support-e2e"};
  std::unique_ptr<testing::kube_sim_process> sim_;
  std::unique_ptr<testing::scaler_process> scaler_;
  http::curl_client http_;
};

TEST_F(SupportPodsEndToEnd, ConfiguredSupportPodsThroughTheBinary) {
  start(
      "support:\n  namespace: tools\n  max_lifetime: 2h\n  per_user_limit: 1\n  admins: ['api:ops']\n"
      "  sizes:\n    M: {cpu_request: 300m}\n");
  const auto created = call("POST", "/api/v1/support-pods", ci_token, R"({"name":"manage1","size":"m"})");
  ASSERT_EQ(created.status, 201) << created.body.dump() << scaler_->process().log();
  EXPECT_EQ(created.body["attach"], "kubectl exec -it -n tools manage1 -- sh");
  auto pod = sim_->kubectl({"get", "pod", "manage1", "-n", "tools", "-o", "json"});
  ASSERT_EQ(pod.exit_code, 0) << pod.err;
  const auto p = json::parse(pod.out);
  EXPECT_EQ(p["spec"]["activeDeadlineSeconds"], 7200);
  EXPECT_EQ(p["spec"]["containers"][0]["resources"]["requests"]["cpu"], "300m");
  EXPECT_EQ(p["spec"]["containers"][0]["resources"]["limits"]["memory"], "2Gi");
  EXPECT_EQ(p["metadata"]["annotations"]["devenv-scaler/owner"], "api:ci");

  EXPECT_EQ(call("POST", "/api/v1/support-pods", ci_token, R"({"name":"manage2"})").status, 403);
  const auto listed = call("GET", "/api/v1/support-pods", ops_token);
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.body["supportPods"].size(), 1u);
  EXPECT_EQ(listed.body["supportPods"][0]["lifetimeSeconds"], 7200);
  EXPECT_EQ(call("DELETE", "/api/v1/support-pods/manage1", ops_token).status, 200);
  EXPECT_NE(sim_->kubectl({"get", "pod", "manage1", "-n", "tools"}).exit_code, 0);
}

TEST_F(SupportPodsEndToEnd, WithoutTheSectionTheRoutesAreNotServed) {
  start("reconcile: false\n");
  EXPECT_EQ(call("POST", "/api/v1/support-pods", ci_token, R"({"name":"manage1"})").status, 404);
  EXPECT_NE(sim_->kubectl({"get", "pod", "manage1", "-n", "devenv-support"}).exit_code, 0);
}

}  // namespace
}  // namespace devenv::support
