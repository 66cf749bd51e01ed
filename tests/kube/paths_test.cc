#include "kube/paths.h"

#include <gtest/gtest.h>

namespace devenv::kube {
namespace {

TEST(Paths, CollectionsAndObjects) {
  struct path_case {
    std::string actual;
    std::string expected;
  };
  std::vector<path_case> cases = {
      {collection_path(resource::namespaces), "/api/v1/namespaces"},
      {namespace_path("dev1"), "/api/v1/namespaces/dev1"},
      {collection_path(resource::deployments, "dev1"), "/apis/apps/v1/namespaces/dev1/deployments"},
      {collection_path(resource::deployments), "/apis/apps/v1/deployments"},
      {object_path(resource::statefulsets, "dev1", "db"), "/apis/apps/v1/namespaces/dev1/statefulsets/db"},
      {object_path(resource::cronjobs, "dev1", "devenv-shutdown"),
       "/apis/batch/v1/namespaces/dev1/cronjobs/devenv-shutdown"},
      {collection_path(resource::jobs, "dev1"), "/apis/batch/v1/namespaces/dev1/jobs"},
      {collection_path(resource::events, "dev1"), "/api/v1/namespaces/dev1/events"},
      {object_path(resource::leases, "devenv-system", "leader"),
       "/apis/coordination.k8s.io/v1/namespaces/devenv-system/leases/leader"},
      {collection_path(resource::tokenreviews, "ignored"), "/apis/authentication.k8s.io/v1/tokenreviews"},
      {collection_path(resource::pods, "dev1"), "/api/v1/namespaces/dev1/pods"},
      {object_path(resource::configmaps, "dev1", "c"), "/api/v1/namespaces/dev1/configmaps/c"},
  };
  for (const auto& tc : cases) EXPECT_EQ(tc.actual, tc.expected);
}

}  // namespace
}  // namespace devenv::kube
