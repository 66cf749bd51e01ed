// Least privilege, proven: every Kubernetes API call devenv-scaler made to kube-sim during the integration
// tests (their request logs, DEVENV_REQUEST_LOG_DIR) is allowed by the chart's rendered ClusterRole and
// Roles, and every verb they grant was used by some call. ctest runs this after the integration tests
// (fixture kube_requests).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "deploy/chart.h"
#include "deploy/rbac_rules.h"

namespace devenv::testing {
namespace {

using json = nlohmann::json;

// The kube client's User-Agent (src/kube/config.h); kubectl and test helpers send their own.
constexpr std::string_view kScalerAgent = "devenv-scaler";

TEST(ChartRbac, EveryCallOfTheIntegrationTestsIsAllowedAndEveryGrantIsUsed) {
  const char* dir = std::getenv("DEVENV_REQUEST_LOG_DIR");
  ASSERT_TRUE(dir && *dir) << "DEVENV_REQUEST_LOG_DIR is not set: run through ctest (fixture kube_requests)";
  // Self-signed TLS renders the one optional rule (patching the webhook's caBundle) the integration tests
  // exercise; the other modes render a subset (chart_test TlsModes).
  const auto chart = render_chart({}, {"tls.mode=selfSigned", "replicaCount=1"});
  ASSERT_EQ(chart.helm.exit_code, 0) << chart.helm.err;
  const auto rules = bound_rules(chart.objects, kRelease, kReleaseNamespace);
  ASSERT_FALSE(rules.empty());

  std::size_t files = 0, calls = 0;
  std::map<std::string, std::size_t> refused;                    // call → count
  std::set<std::pair<std::size_t, std::string>> used;            // (rule, "verb group/resource")
  std::map<std::string, std::set<std::string>> role_namespaces;  // "file role" → namespaces
  std::map<std::string, std::size_t> seen;                       // "verb group/resource" → count
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".jsonl") continue;
    ++files;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      const auto record = json::parse(line);
      if (!record.value("userAgent", "").starts_with(kScalerAgent)) continue;
      ++calls;
      const auto call = api_call::from_log(record);
      const std::string resource = (call.api_group.empty() ? "core" : call.api_group) + "/" + call.resource +
                                   (call.subresource.empty() ? "" : "/" + call.subresource);
      ++seen[call.verb + " " + (call.resource.empty() ? call.path : resource)];
      bool allowed = false;
      for (std::size_t i = 0; i < rules.size(); ++i) {
        if (!allows(rules[i], call)) continue;
        allowed = true;
        used.insert({i, call.verb + " " + resource});
        if (rules[i].namespaced)
          role_namespaces[entry.path().filename().string() + " " + rules[i].role].insert(call.ns);
      }
      if (!allowed && !allowed_to_everyone(call)) ++refused[call.describe()];
    }
  }
  ASSERT_GT(files, 0u) << "no kube-sim request logs in " << dir << ": did the integration tests run?";
  ASSERT_GT(calls, 0u) << "no request from devenv-scaler in the logs of " << dir;

  std::printf("%zu requests of devenv-scaler in %zu kube-sim logs:\n", calls, files);
  for (const auto& [what, count] : seen) std::printf("  %6zu  %s\n", count, what.c_str());

  for (const auto& [call, count] : refused) {
    ADD_FAILURE() << "not allowed by the chart's roles: " << call << " (" << count << " times)";
  }
  // A Role holds in one namespace: within one cluster (one log), its calls stay in one namespace.
  for (const auto& [where, namespaces] : role_namespaces) {
    EXPECT_EQ(namespaces.size(), 1u) << where << " is used in " << namespaces.size()
                                     << " namespaces, but a Role grants one";
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    for (const auto& [verb, resource] : grants(rules[i])) {
      if (!used.count({i, verb + " " + resource}))
        ADD_FAILURE() << rules[i].describe() << " grants '" << verb << "' on " << resource
                      << ", but no request of devenv-scaler in the integration tests used it: remove it, or "
                         "add the test that needs it";
    }
  }
}

}  // namespace
}  // namespace devenv::testing
