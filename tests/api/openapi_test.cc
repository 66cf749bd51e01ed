// The OpenAPI document and the server agree: every served route is documented and every documented path is
// served, with the same methods. The document itself is linted by tests/api/lint_openapi.mjs (CTest).
#include <gtest/gtest.h>

#include <set>

#include "api/rest_api.h"
#include "core/yaml_json.h"
#include "web/assets.h"

namespace devenv::api {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
  http::router router;
  rest_context ctx;  // handlers are not called here; registration only needs the context to exist
  add_environment_routes(router, ctx);
  add_operations_routes(router, ctx);
  add_support_routes(router, ctx);
  add_dashboard_routes(router, ctx);

  std::set<std::pair<std::string, std::string>> served;
  for (const auto& [method, pattern] : router.routes()) {
    // Swagger UI's files under /docs/ and the dashboard's under /dashboard/ are page assets, not operations.
    if (pattern.rfind("/docs/", 0) == 0 || pattern.rfind("/dashboard/", 0) == 0) continue;
    served.emplace(lower(method), pattern);
  }

  const auto* spec = web::find_asset("/openapi.yaml");
  ASSERT_NE(spec, nullptr);
  auto docs = parse_yaml_documents(spec->data);
  ASSERT_TRUE(docs.has_value()) << docs.error().message;
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : (*docs)[0]["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      documented.emplace(method, path);
    }
  }
  for (const auto& route : served) {
    EXPECT_TRUE(documented.count(route))
        << "served but not documented: " << route.first << " " << route.second;
  }
  for (const auto& route : documented) {
    EXPECT_TRUE(served.count(route)) << "documented but not served: " << route.first << " " << route.second;
  }
  EXPECT_GE(served.size(), 9u);
}

}  // namespace
}  // namespace devenv::api
