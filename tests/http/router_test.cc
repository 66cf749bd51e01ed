#include "http/router.h"

#include <gtest/gtest.h>

namespace devenv::http {
namespace {

routed_handler noop() {
  return [](request&, const path_params&) -> net::awaitable<response> { co_return response::text(200, ""); };
}

TEST(Router, MatchesLiteralsAndCaptures) {
  router r;
  r.add("GET", "/api/v1/environments", noop());
  r.add("GET", "/api/v1/environments/{name}", noop());
  r.add("POST", "/api/v1/environments/{name}/stop", noop());

  struct row {
    const char* method;
    const char* path;
    unsigned status;
    const char* pattern;
    const char* name;
  };
  const row rows[] = {
      {"GET", "/api/v1/environments", 200, "/api/v1/environments", ""},
      {"GET", "/api/v1/environments/", 200, "/api/v1/environments", ""},
      {"GET", "/api/v1/environments/dev1", 200, "/api/v1/environments/{name}", "dev1"},
      {"POST", "/api/v1/environments/dev1/stop", 200, "/api/v1/environments/{name}/stop", "dev1"},
      {"GET", "/api/v1/environments/dev1/stop", 405, "/api/v1/environments/{name}/stop", ""},
      {"DELETE", "/api/v1/environments/dev1", 405, "/api/v1/environments/{name}", ""},
      {"GET", "/api/v1/environments/dev1/start", 404, "", ""},
      {"GET", "/nothing", 404, "", ""},
      {"HEAD", "/api/v1/environments", 200, "/api/v1/environments", ""},
  };
  for (const auto& row : rows) {
    auto m = r.find(row.method, row.path);
    EXPECT_EQ(m.status, row.status) << row.method << " " << row.path;
    EXPECT_EQ(m.pattern, row.pattern) << row.method << " " << row.path;
    EXPECT_EQ(m.handler != nullptr, row.status == 200);
    if (*row.name) {
      EXPECT_EQ(m.params.at("name"), row.name);
    }
  }
  EXPECT_EQ(r.find("PUT", "/api/v1/environments/x/stop").allow, "POST");
  // An encoded slash stays inside its segment and is decoded in the capture.
  auto encoded = r.find("POST", "/api/v1/environments/..%2Fx/stop");
  EXPECT_EQ(encoded.status, 200u);
  EXPECT_EQ(encoded.params.at("name"), "../x");
  EXPECT_EQ(r.find("GET", "/api/v1/environments/dev%31").params.at("name"), "dev1");
}

TEST(Router, ListsRoutes) {
  router r;
  r.add("GET", "/a", noop());
  r.add("POST", "/b/{x}", noop());
  auto routes = r.routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[1], (std::pair<std::string, std::string>{"POST", "/b/{x}"}));
}

}  // namespace
}  // namespace devenv::http
