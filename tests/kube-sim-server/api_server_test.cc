// The API server in-process: HTTPS on port 0, a real HTTP client (libcurl) verifying the certificate.
#include "server/api_server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "http/certificate_authority.h"
#include "http/curl_client.h"
#include "http/server.h"

namespace kubesim {
namespace {

namespace http = devenv::http;
using nlohmann::json;
using namespace std::chrono;

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kubesim_api_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    auto ca = http::certificate_authority::create("test-ca", system_clock::now());
    ASSERT_TRUE(ca);
    ca_pem_ = ca->certificate_pem();
    auto leaf = ca->issue({"kube-sim", {"localhost"}, {"127.0.0.1"}, hours(1)}, system_clock::now());
    ASSERT_TRUE(leaf);
    ASSERT_TRUE(http::certificate_authority::write_files(*leaf, dir_ / "tls.crt", dir_ / "tls.key"));
    auto tls = http::tls_context::from_files(dir_ / "tls.crt", dir_ / "tls.key");
    ASSERT_TRUE(tls);

    api_server_options options;
    options.store.workload_ready_delay = milliseconds(200);
    options.bookmark_interval = seconds(1);
    options.store.watch_history = 20;  // small, so a test can outrun it and see 410 Gone
    api_ = std::make_unique<api_server>(io_, options, [] { return system_clock::now(); });
    api_->tokens().add_static(
        {"admin-token", {"admin", "admin", {"system:masters", "system:authenticated"}}});
    api_->tokens().add_static({"dev-token", {"dev", "dev-uid", {"system:authenticated"}}});
    http::server_options server_options;
    server_options.tls = *tls;
    server_ = std::make_unique<http::server>(io_, server_options, api_->handler());
    server_->start();
    api_->start();
    base_ = "https://127.0.0.1:" + std::to_string(server_->port());
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (thread_.joinable()) {
      net::post(io_, [this] {
        api_->stop();
        server_->stop(seconds(1));
      });
      thread_.join();
    }
    std::filesystem::remove_all(dir_);
  }

  http::client_response call(std::string method, std::string path, std::string body = "",
                             std::vector<std::pair<std::string, std::string>> headers = {},
                             std::string token = "admin-token") {
    http::client_request request;
    request.method = std::move(method);
    request.url = base_ + path;
    request.body = std::move(body);
    request.headers = std::move(headers);
    if (!request.body.empty() && request.headers.empty())
      request.headers.emplace_back("Content-Type", "application/json");
    if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
    request.tls.ca_pem = ca_pem_;
    request.timeout = seconds(20);
    auto response = client_.perform(request);
    EXPECT_TRUE(response) << response.error().message;
    return response ? *response : http::client_response{};
  }

  static json body(const http::client_response& response) {
    return json::parse(response.body, nullptr, false);
  }

  // Polls a condition with a deadline instead of sleeping a fixed time.
  template <class F>
  bool eventually(F condition, milliseconds deadline = seconds(10)) {
    const auto end = steady_clock::now() + deadline;
    while (steady_clock::now() < end) {
      if (condition()) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return condition();
  }

  int open_watches() { return body(call("GET", "/_sim/state"))["openWatches"].get<int>(); }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::string ca_pem_;
  net::io_context io_{1};
  std::unique_ptr<api_server> api_;
  std::unique_ptr<http::server> server_;
  std::string base_;
  std::thread thread_;
  http::curl_client client_;
};

json configmap(const std::string& name, const std::string& ns, json labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", labels}}},
          {"data", {{"k", "v"}}}};
}

TEST_F(ApiServerTest, RequiresABearerToken) {
  struct {
    std::string token;
    long status;
  } cases[] = {{"", 401}, {"wrong", 401}, {"admin-token", 200}, {"dev-token", 200}};
  for (const auto& c : cases) {
    const auto r = call("GET", "/api/v1/namespaces", "", {}, c.token);
    EXPECT_EQ(r.status, c.status) << c.token;
    if (c.status == 401) {
      EXPECT_EQ(body(r)["kind"], "Status");
      EXPECT_EQ(body(r)["reason"], "Unauthorized");
    }
  }
  EXPECT_EQ(call("GET", "/healthz", "", {}, "").status, 200);
}

TEST_F(ApiServerTest, RefusesAClientThatDoesNotTrustTheCa) {
  auto other = http::certificate_authority::create("other", system_clock::now());
  ASSERT_TRUE(other);
  http::client_request request;
  request.url = base_ + "/version";
  request.tls.ca_pem = other->certificate_pem();
  EXPECT_FALSE(client_.perform(request));
  request.tls.ca_pem = ca_pem_;
  request.url = "https://localhost:" + std::to_string(server_->port()) + "/healthz";  // DNS SAN
  auto ok = client_.perform(request);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
}

TEST_F(ApiServerTest, ServesDiscovery) {
  EXPECT_EQ(body(call("GET", "/version"))["gitVersion"], "v1.32.0-kubesim");
  EXPECT_EQ(body(call("GET", "/api"))["kind"], "APIVersions");
  EXPECT_EQ(body(call("GET", "/apis"))["kind"], "APIGroupList");
  EXPECT_EQ(body(call("GET", "/apis/apps"))["preferredVersion"]["version"], "v1");
  const json apps = body(call("GET", "/apis/apps/v1"));
  EXPECT_EQ(apps["groupVersion"], "apps/v1");
  // kubectl asks for aggregated discovery first; plain JSON makes it fall back to these documents.
  const auto aggregated = call(
      "GET", "/apis", "",
      {{"Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"}});
  EXPECT_EQ(aggregated.status, 200);
  EXPECT_EQ(body(aggregated)["kind"], "APIGroupList");
  EXPECT_EQ(call("GET", "/openapi/v2").status, 404);
  EXPECT_EQ(call("GET", "/openapi/v3").status, 200);
  EXPECT_EQ(body(call("GET", "/openapi/v3/apis/apps/v1?hash=kubesim"))["openapi"], "3.0.0");
  EXPECT_EQ(call("GET", "/apis/nope.example.com/v1").status, 404);
}

TEST_F(ApiServerTest, StartsWithTheStandardNamespaces) {
  const json list = body(call("GET", "/api/v1/namespaces"));
  std::vector<std::string> names;
  for (const auto& item : list["items"]) names.push_back(item["metadata"]["name"]);
  for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), ns), names.end()) << ns;
  }
}

TEST_F(ApiServerTest, CrudWithStatusErrors) {
  const std::string collection = "/api/v1/namespaces/default/configmaps";
  auto created = call("POST", collection, configmap("a", "default", {{"app", "x"}}).dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string rv = body(created)["metadata"]["resourceVersion"];
  EXPECT_EQ(call("POST", collection, configmap("b", "default").dump()).status, 201);
  EXPECT_EQ(call("POST", collection, configmap("a", "default").dump()).status, 409);

  const json listed = body(call("GET", collection + "?labelSelector=app%3Dx"));
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["metadata"]["name"], "a");

  auto patched = call("PATCH", collection + "/a", R"({"data":{"k":"patched"}})",
                      {{"Content-Type", "application/merge-patch+json"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(body(patched)["data"]["k"], "patched");

  json stale = configmap("a", "default");
  stale["metadata"]["resourceVersion"] = rv;
  auto conflict = call("PUT", collection + "/a", stale.dump());
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(body(conflict)["reason"], "Conflict");

  EXPECT_EQ(call("POST", collection + "?dryRun=All", configmap("dry", "default").dump()).status, 201);
  EXPECT_EQ(call("GET", collection + "/dry").status, 404);

  EXPECT_EQ(call("DELETE", collection + "/a").status, 200);
  auto gone = call("GET", collection + "/a");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(body(gone)["reason"], "NotFound");

  struct {
    std::string method, path, body, content_type;
    long status;
    std::string reason;
  } errors[] = {
      {"GET", "/api/v1/namespaces/default/widgets", "", "", 404, "NotFound"},
      {"GET", "/apis/apps/v1/namespaces/default/deployments/x/nonsense", "", "", 404, "NotFound"},
      {"POST", collection, "{not json", "application/json", 400, "BadRequest"},
      {"POST", collection, configmap("c", "other").dump(), "application/json", 400, "BadRequest"},
      {"PATCH", collection + "/b", "{}", "text/plain", 415, "UnsupportedMediaType"},
      {"POST", collection + "/b", configmap("b", "default").dump(), "application/json", 405,
       "MethodNotAllowed"},
      {"GET", "/apis/apps/v1/namespaces/default/deployments/x/scale?watch=true", "", "", 405,
       "MethodNotAllowed"},
      {"GET", collection + "?limit=abc", "", "", 400, "BadRequest"},
  };
  for (const auto& e : errors) {
    auto r = call(e.method, e.path, e.body,
                  e.content_type.empty()
                      ? std::vector<std::pair<std::string, std::string>>{}
                      : std::vector<std::pair<std::string, std::string>>{{"Content-Type", e.content_type}});
    EXPECT_EQ(r.status, e.status) << e.method << " " << e.path << " " << r.body;
    EXPECT_EQ(body(r)["kind"], "Status") << e.path;
    EXPECT_EQ(body(r)["reason"], e.reason) << e.path;
  }
  EXPECT_EQ(body(call("GET", "/api/v1/namespaces/default/widgets"))["message"],
            "the server could not find the requested resource");
}

TEST_F(ApiServerTest, AnswersTablesForKubectl) {
  const json deployment = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}})");
  ASSERT_EQ(call("POST", "/apis/apps/v1/namespaces/default/deployments", deployment.dump()).status, 201);
  const std::string accept =
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/"
      "json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
  const auto r = call("GET", "/apis/apps/v1/namespaces/default/deployments", "", {{"Accept", accept}});
  ASSERT_EQ(r.status, 200);
  const json table = body(r);
  EXPECT_EQ(table["kind"], "Table");
  ASSERT_EQ(table["rows"].size(), 1u);
  EXPECT_EQ(table["columnDefinitions"][1]["name"], "Ready");
  EXPECT_EQ(table["rows"][0]["cells"][0], "web");
  EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  const auto single = call("GET", "/apis/apps/v1/namespaces/default/deployments/web?includeObject=Object", "",
                           {{"Accept", accept}});
  EXPECT_EQ(body(single)["rows"][0]["object"]["kind"], "Deployment");
  // Readiness follows the ready delay: the Table's READY column reaches 2/2.
  EXPECT_TRUE(eventually([&] {
    return body(call("GET", "/apis/apps/v1/namespaces/default/deployments", "",
                     {{"Accept", accept}}))["rows"][0]["cells"][1] == "2/2";
  }));
}

TEST_F(ApiServerTest, WatchStreamsEventsUntilTimeoutOrDrop) {
  std::atomic<bool> done{false};
  std::string received;
  std::mutex mutex;
  long status = 0;
  std::thread watcher([&] {
    http::client_request request;
    request.url = base_ + "/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=20";
    request.headers = {{"Authorization", "Bearer admin-token"}};
    request.tls.ca_pem = ca_pem_;
    request.timeout = seconds(30);
    request.on_body = [&](std::string_view chunk) {
      std::lock_guard lock(mutex);
      received += chunk;
      return received.find("\"watched\"") == std::string::npos;
    };
    auto r = client_.perform(request);
    status = r ? r->status : -1;
    done = true;
  });
  ASSERT_TRUE(eventually([&] { return open_watches() == 1; }));
  ASSERT_EQ(
      call("POST", "/api/v1/namespaces/default/configmaps", configmap("watched", "default").dump()).status,
      201);
  ASSERT_TRUE(eventually([&] { return done.load(); }));
  watcher.join();
  EXPECT_EQ(status, 200);
  std::lock_guard lock(mutex);
  const auto line_end = received.find('\n');
  ASSERT_NE(line_end, std::string::npos) << received;
  const json event = json::parse(received.substr(0, line_end), nullptr, false);
  EXPECT_EQ(event["type"], "ADDED");
  EXPECT_EQ(event["object"]["metadata"]["name"], "watched");
  // The server notices the client went away and forgets the watch.
  EXPECT_TRUE(eventually([&] {
    call("POST", "/api/v1/namespaces/default/configmaps",
         configmap("nudge-" + std::to_string(rand()), "default").dump());
    return open_watches() == 0;
  }));
}

TEST_F(ApiServerTest, WatchEndsAtTimeoutAndOnDrop) {
  // timeoutSeconds ends an idle watch by itself.
  const auto started = steady_clock::now();
  auto timed = call("GET", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1");
  EXPECT_EQ(timed.status, 200);
  EXPECT_LT(steady_clock::now() - started, seconds(5));

  std::atomic<bool> done{false};
  std::thread watcher([&] {
    call("GET", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=30");
    done = true;
  });
  ASSERT_TRUE(eventually([&] { return open_watches() == 1; }));
  const auto dropped = call("POST", "/_sim/watches/drop");
  EXPECT_EQ(body(dropped)["dropped"], 1);
  EXPECT_TRUE(eventually([&] { return done.load(); }, seconds(5)));
  watcher.join();
}

TEST_F(ApiServerTest, WatchFromAnExpiredVersionIsAGoneStatusNotAStream) {
  const auto first = call("POST", "/api/v1/namespaces/default/configmaps", configmap("c0", "default").dump());
  ASSERT_EQ(first.status, 201);
  const std::string rv = body(first)["metadata"]["resourceVersion"];
  for (int i = 1; i < 30; ++i) {
    ASSERT_EQ(call("POST", "/api/v1/namespaces/default/configmaps",
                   configmap("c" + std::to_string(i), "default").dump())
                  .status,
              201);
  }
  const auto gone = call("GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=" + rv);
  EXPECT_EQ(gone.status, 410);
  EXPECT_EQ(body(gone)["kind"], "Status");
  EXPECT_EQ(body(gone)["reason"],
            "Expired");  // kube-apiserver: 410 with reason Expired for a too-old version
  EXPECT_EQ(open_watches(), 0);
}

TEST_F(ApiServerTest, WatchSendsBookmarksWhenAllowed) {
  std::string received;
  http::client_request request;
  request.url =
      base_ + "/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true&timeoutSeconds=10";
  request.headers = {{"Authorization", "Bearer admin-token"}};
  request.tls.ca_pem = ca_pem_;
  request.on_body = [&](std::string_view chunk) {
    received += chunk;
    return received.find("BOOKMARK") == std::string::npos;
  };
  auto r = client_.perform(request);
  ASSERT_TRUE(r);
  const json event = json::parse(received.substr(0, received.find('\n')), nullptr, false);
  EXPECT_EQ(event["type"], "BOOKMARK");
  EXPECT_TRUE(event["object"]["metadata"].contains("resourceVersion"));
}

TEST_F(ApiServerTest, ServiceAccountTokensAndTokenReview) {
  ASSERT_EQ(
      call("POST", "/api/v1/namespaces/default/serviceaccounts",
           json{{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "scaler"}}}}.dump())
          .status,
      201);
  const json token_request = {{"apiVersion", "authentication.k8s.io/v1"},
                              {"kind", "TokenRequest"},
                              {"spec", {{"audiences", {"devenv"}}, {"expirationSeconds", 3600}}}};
  EXPECT_EQ(
      call("POST", "/api/v1/namespaces/default/serviceaccounts/missing/token", token_request.dump()).status,
      404);
  const auto issued =
      call("POST", "/api/v1/namespaces/default/serviceaccounts/scaler/token", token_request.dump());
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string token = body(issued)["status"]["token"];
  ASSERT_FALSE(token.empty());

  const auto review = [&](std::vector<std::string> audiences) {
    const json request = {{"apiVersion", "authentication.k8s.io/v1"},
                          {"kind", "TokenReview"},
                          {"spec", {{"token", token}, {"audiences", audiences}}}};
    const auto r = call("POST", "/apis/authentication.k8s.io/v1/tokenreviews", request.dump());
    EXPECT_EQ(r.status, 201);
    return body(r)["status"];
  };
  const json good = review({"devenv"});
  EXPECT_TRUE(good["authenticated"].get<bool>());
  EXPECT_EQ(good["user"]["username"], "system:serviceaccount:default:scaler");
  EXPECT_EQ(good["user"]["groups"][1], "system:serviceaccounts:default");
  EXPECT_FALSE(review({"someone-else"})["authenticated"].get<bool>());

  // Minted through the control endpoint, the token is accepted for API calls as that service account.
  const auto minted =
      call("POST", "/_sim/tokens", json{{"namespace", "dev1"}, {"serviceAccount", "bot"}}.dump());
  ASSERT_EQ(minted.status, 200);
  EXPECT_EQ(call("GET", "/api/v1/namespaces", "", {}, body(minted)["token"]).status, 200);
  const json log = body(call("GET", "/_sim/requests?user=system:serviceaccount:dev1:bot"));
  ASSERT_EQ(log["items"].size(), 1u);
  EXPECT_EQ(log["items"][0]["verb"], "list");
  EXPECT_EQ(log["items"][0]["resource"], "namespaces");
  EXPECT_EQ(log["items"][0]["status"], 200);
}

TEST_F(ApiServerTest, InjectsFaultsThroughTheControlEndpoint) {
  EXPECT_EQ(call("GET", "/_sim/faults", "", {}, "dev-token").status, 403);
  auto configured =
      call("POST", "/_sim/faults",
           json{{"errors", {{"list", {{"rate", 1.0}, {"code", 429}, {"retryAfterSeconds", 3}}}}}}.dump());
  ASSERT_EQ(configured.status, 200) << configured.body;
  auto throttled = call("GET", "/api/v1/namespaces");
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.header("retry-after"), "3");
  EXPECT_EQ(body(throttled)["reason"], "TooManyRequests");
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default").status, 200);  // only "list" is hit
  EXPECT_EQ(call("DELETE", "/_sim/faults").status, 200);
  EXPECT_EQ(call("GET", "/api/v1/namespaces").status, 200);

  ASSERT_EQ(call("POST", "/_sim/faults",
                 json{{"conflicts", {{{"path", "/api/v1/namespaces/default"}, {"count", 1}}}}}.dump())
                .status,
            200);
  const auto patch = [&] {
    return call("PATCH", "/api/v1/namespaces/default", R"({"metadata":{"labels":{"x":"y"}}})",
                {{"Content-Type", "application/merge-patch+json"}});
  };
  auto first = patch();
  EXPECT_EQ(first.status, 409);
  EXPECT_EQ(body(first)["reason"], "Conflict");
  EXPECT_EQ(patch().status, 200);

  EXPECT_EQ(call("POST", "/_sim/faults", R"({"errors":{"get":{"rate":3}}})").status, 400);
  ASSERT_EQ(call("POST", "/_sim/faults", json{{"latency", {{"fixedMs", 300}}}}.dump()).status, 200);
  const auto started = steady_clock::now();
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default").status, 200);
  EXPECT_GE(steady_clock::now() - started, milliseconds(300));
}

TEST_F(ApiServerTest, LogsEveryRequestWithUserAndVerb) {
  const auto since = body(call("GET", "/_sim/state"))["nextRequestIndex"].get<int>();
  call("GET", "/api/v1/namespaces", "", {}, "dev-token");
  call("GET", "/api/v1/namespaces/default", "", {}, "dev-token");
  call("PATCH", "/api/v1/namespaces/default", R"({"metadata":{"labels":{"a":"b"}}})",
       {{"Content-Type", "application/merge-patch+json"}}, "dev-token");
  call("GET", "/api/v1/namespaces", "", {}, "nope");
  const json log = body(call("GET", "/_sim/requests?since=" + std::to_string(since)));
  std::vector<std::tuple<std::string, std::string, long>> got;
  for (const auto& item : log["items"]) {
    if (item["path"].get<std::string>().starts_with("/_sim")) continue;  // the test's own control calls
    got.emplace_back(item["user"], item["verb"], item["status"]);
  }
  const std::vector<std::tuple<std::string, std::string, long>> want = {
      {"dev", "list", 200}, {"dev", "get", 200}, {"dev", "patch", 200}, {"", "list", 401}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(body(call("GET", "/_sim/requests?user=dev&since=" + std::to_string(since)))["items"].size(), 3u);
}

}  // namespace
}  // namespace kubesim
