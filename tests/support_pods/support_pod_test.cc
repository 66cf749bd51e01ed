// The Pod manifest (each size's resources, the lifetime Kubernetes enforces, labels and annotations) and the
// view read back from a Pod (age, phase, time left), all at a fixed `now`.
#include "support/support_pod.h"

#include <gtest/gtest.h>

#include "core/rfc3339.h"

namespace devenv::support {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

const time_point t0 = *parse_rfc3339("2026-11-27T10:00:00Z");

TEST(SupportPodManifest, EachSizeGetsItsResources) {
  const support_settings s;
  struct row {
    std::string size, cpu_request, cpu_limit, memory;
  };
  for (const auto& r : std::vector<row>{{"XS", "125m", "250m", "512Mi"},
                                        {"S", "250m", "500m", "1Gi"},
                                        {"M", "500m", "1", "2Gi"},
                                        {"L", "1", "2", "4Gi"},
                                        {"XL", "2", "4", "8Gi"}}) {
    SCOPED_TRACE(r.size);
    const auto pod = build_pod_manifest(s, "manage1", r.size, "U0ALICE", t0);
    const auto& res = pod["spec"]["containers"][0]["resources"];
    EXPECT_EQ(res["requests"]["cpu"], r.cpu_request);
    EXPECT_EQ(res["limits"]["cpu"], r.cpu_limit);
    EXPECT_EQ(res["requests"]["memory"], r.memory);
    EXPECT_EQ(res["limits"]["memory"], r.memory);
    EXPECT_EQ(pod["metadata"]["labels"][std::string(size_key)], r.size);
  }
}

TEST(SupportPodManifest, LifetimeOwnerAndTemplate) {
  support_settings s;
  s.ns = "ops-support";
  s.max_lifetime = 3h;
  s.service_account = "support-sa";
  s.node_selector = {{"pool", "tools"}};
  s.tolerations = json::array({{{"key", "dedicated"}, {"operator", "Exists"}}});
  const auto pod = build_pod_manifest(s, "manage1", "M", "api:ci", t0);
  EXPECT_EQ(pod["kind"], "Pod");
  EXPECT_EQ(pod["metadata"]["name"], "manage1");
  EXPECT_EQ(pod["metadata"]["namespace"], "ops-support");
  EXPECT_EQ(pod["spec"]["activeDeadlineSeconds"], 3 * 3600);
  EXPECT_EQ(pod["spec"]["restartPolicy"], "Never");
  EXPECT_EQ(pod["spec"]["serviceAccountName"], "support-sa");
  EXPECT_EQ(pod["spec"]["nodeSelector"]["pool"], "tools");
  EXPECT_EQ(pod["spec"]["tolerations"][0]["key"], "dedicated");
  EXPECT_EQ(pod["spec"]["containers"][0]["image"], s.image);
  EXPECT_EQ(pod["spec"]["containers"][0]["command"], json(s.command));
  const auto& labels = pod["metadata"]["labels"];
  EXPECT_EQ(labels["app.kubernetes.io/managed-by"], "devenv-scaler");
  EXPECT_EQ(labels["app.kubernetes.io/component"], "support-pod");
  EXPECT_EQ(labels["devenv-scaler/owner"], "api.ci");  // ':' is not allowed in a label value
  const auto& annotations = pod["metadata"]["annotations"];
  EXPECT_EQ(annotations["devenv-scaler/owner"], "api:ci");
  EXPECT_EQ(annotations["devenv-scaler/size"], "M");
  EXPECT_EQ(annotations["devenv-scaler/created"], "2026-11-27T10:00:00Z");
  EXPECT_EQ(annotations["devenv-scaler/expires"], "2026-11-27T13:00:00Z");
  // Defaults: no service account, selector or tolerations unless configured.
  const auto plain = build_pod_manifest(support_settings{}, "p", "S", "U1", t0);
  EXPECT_FALSE(plain["spec"].contains("serviceAccountName"));
  EXPECT_FALSE(plain["spec"].contains("nodeSelector"));
  EXPECT_FALSE(plain["spec"].contains("tolerations"));
  EXPECT_EQ(owner_selector("api:ci"),
            "app.kubernetes.io/managed-by=devenv-scaler,app.kubernetes.io/component=support-pod,"
            "devenv-scaler/owner=api.ci");
}

// The manifest as the API server would return it, with a creation time and an optional status.
json stored(const std::string& created, json status = json::object()) {
  auto pod = build_pod_manifest(support_settings{}, "manage1", "L", "U0ALICE", t0);
  pod["metadata"]["creationTimestamp"] = created;
  if (!status.empty()) pod["status"] = std::move(status);
  return pod;
}

TEST(SupportPodView, AgePhaseAndTimeLeft) {
  struct row {
    std::string what;
    json pod;
    time_point now;
    std::string phase;
    std::chrono::seconds age, left;
  };
  const auto started = json{{"phase", "Running"}, {"startTime", "2026-11-27T10:00:30Z"}};
  for (const auto& r : std::vector<row>{
           {"just created, no status", stored("2026-11-27T10:00:00Z"), t0, "Pending", 0s, 12h},
           {"pending after a minute", stored("2026-11-27T10:00:00Z", {{"phase", "Pending"}}), t0 + 1min,
            "Pending", 60s, 12h - 1min},
           // Kubernetes counts the deadline from startTime.
           {"running counts from its start", stored("2026-11-27T10:00:00Z", started), t0 + 2h, "Running", 2h,
            10h + 30s},
           {"past its deadline", stored("2026-11-27T10:00:00Z", started), t0 + 13h, "Running", 13h, 0s},
           {"failed: nothing left",
            stored("2026-11-27T10:00:00Z", {{"phase", "Failed"}, {"reason", "DeadlineExceeded"}}), t0 + 1h,
            "Failed", 1h, 0s},
           {"clock behind the server", stored("2026-11-27T10:00:10Z"), t0, "Pending", 0s, 12h + 10s},
       }) {
    SCOPED_TRACE(r.what);
    auto p = read_support_pod(r.pod);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->name, "manage1");
    EXPECT_EQ(p->owner, "U0ALICE");
    EXPECT_EQ(p->size, "L");
    EXPECT_EQ(p->resources.memory_limit, "4Gi");
    EXPECT_EQ(p->resources.cpu_request, "1");
    EXPECT_EQ(p->lifetime, 12h);
    EXPECT_EQ(p->phase, r.phase);
    EXPECT_EQ(p->age(r.now), r.age);
    EXPECT_EQ(p->time_left(r.now), r.left);
  }
  auto failed =
      read_support_pod(stored("2026-11-27T10:00:00Z", {{"phase", "Failed"}, {"reason", "DeadlineExceeded"}}));
  EXPECT_TRUE(failed->finished());
  EXPECT_EQ(failed->reason, "DeadlineExceeded");
}

TEST(SupportPodView, RefusesAPodWithoutNameOrCreationTime) {
  EXPECT_FALSE(read_support_pod(json::object()));
  EXPECT_FALSE(read_support_pod({{"metadata", {{"name", "x"}}}}));
  EXPECT_FALSE(read_support_pod({{"metadata", {{"name", "x"}, {"creationTimestamp", "yesterday"}}}}));
}

TEST(SupportPodView, AttachCommand) {
  EXPECT_EQ(attach_command("devenv-support", "manage1"), "kubectl exec -it -n devenv-support manage1 -- sh");
}

}  // namespace
}  // namespace devenv::support
