#include "server/api_path.h"

#include <gtest/gtest.h>

namespace kubesim {
namespace {

TEST(ApiPath, ParsesKubernetesPaths) {
  struct {
    const char* path;
    bool ok;
    api_path want;
  } cases[] = {
      {"/api/v1", true, {"", "v1", "", "", "", ""}},
      {"/apis/apps/v1", true, {"apps", "v1", "", "", "", ""}},
      {"/api/v1/namespaces", true, {"", "v1", "", "namespaces", "", ""}},
      {"/api/v1/namespaces/dev1", true, {"", "v1", "", "namespaces", "dev1", ""}},
      {"/api/v1/namespaces/dev1/status", true, {"", "v1", "", "namespaces", "dev1", "status"}},
      {"/api/v1/namespaces/dev1/pods", true, {"", "v1", "dev1", "pods", "", ""}},
      {"/api/v1/namespaces/dev1/serviceaccounts/sa/token",
       true,
       {"", "v1", "dev1", "serviceaccounts", "sa", "token"}},
      {"/apis/apps/v1/deployments", true, {"apps", "v1", "", "deployments", "", ""}},
      {"/apis/apps/v1/namespaces/dev1/deployments/web",
       true,
       {"apps", "v1", "dev1", "deployments", "web", ""}},
      {"/apis/apps/v1/namespaces/dev1/deployments/web/scale",
       true,
       {"apps", "v1", "dev1", "deployments", "web", "scale"}},
      {"/apis/apps/v1/namespaces/dev1/deployments/web/scale/x", false, {}},
      {"/apis/apps/v1/a/b/c/d", false, {}},
      {"/apis/apps", false, {}},
      {"/version", false, {}},
      {"/", false, {}},
      {"", false, {}},
  };
  for (const auto& c : cases) {
    const auto got = parse_api_path(c.path);
    ASSERT_EQ(got.has_value(), c.ok) << c.path;
    if (!got) continue;
    EXPECT_EQ(got->group, c.want.group) << c.path;
    EXPECT_EQ(got->version, c.want.version) << c.path;
    EXPECT_EQ(got->ns, c.want.ns) << c.path;
    EXPECT_EQ(got->resource, c.want.resource) << c.path;
    EXPECT_EQ(got->name, c.want.name) << c.path;
    EXPECT_EQ(got->subresource, c.want.subresource) << c.path;
  }
}

}  // namespace
}  // namespace kubesim
