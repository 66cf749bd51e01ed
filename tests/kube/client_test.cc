#include "kube/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "http/certificate_authority.h"
#include "http/tls_context.h"
#include "kube/api_error.h"
#include "kube/informer.h"
#include "kube/testing/scripted_server.h"
#include "kube/testing/temp_dir.h"

namespace devenv::kube {
namespace {

using namespace std::chrono_literals;
using testing::recorded_request;
using testing::scripted_server;
using testing::status_body;

// Fake time for the client: sleeps are recorded and advance the clock instead of blocking.
struct fake_time {
  std::mutex mutex;
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::time_point{} + 1h;
  std::vector<std::chrono::steady_clock::duration> slept;
  struct call {
    std::string verb;
    int status;
  };
  std::vector<call> calls;

  client_options options() {
    client_options o;
    o.now = [this] {
      std::lock_guard lock(mutex);
      return now;
    };
    o.sleep = [this](std::chrono::steady_clock::duration d) {
      std::lock_guard lock(mutex);
      slept.push_back(d);
      now += d;
    };
    o.random01 = [] { return 1.0; };  // no jitter: delays are exactly initial * 2^(n-1)
    o.observer = [this](std::string_view verb, int status, std::chrono::nanoseconds) {
      std::lock_guard lock(mutex);
      calls.push_back({std::string(verb), status});
    };
    o.request_timeout = 5s;
    return o;
  }
};

connection_config plain(const scripted_server& server, std::string token = "t0k3n") {
  connection_config config;
  config.server = server.url();
  config.token = std::move(token);
  return config;
}

TEST(Client, RetriesUnavailableThenSucceedsAndSendsBearerToken) {
  scripted_server server;
  server.then_json(503, status_body(503, "ServiceUnavailable", "etcd"));
  server.then_json(500, status_body(500, "InternalError", "boom"));
  server.then_json(200, R"({"kind":"Namespace","metadata":{"name":"dev1"}})");
  fake_time time;
  client api(plain(server), time.options());

  auto ns = api.get("/api/v1/namespaces/dev1");
  ASSERT_TRUE(ns) << ns.error().message;
  EXPECT_EQ((*ns)["metadata"]["name"], "dev1");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.header("authorization"), "Bearer t0k3n");
    EXPECT_EQ(r.header("accept"), "application/json");
    EXPECT_EQ(r.header("user-agent"), "devenv-scaler");
  }
  ASSERT_EQ(time.slept.size(), 2u);
  EXPECT_EQ(time.slept[0], std::chrono::steady_clock::duration(200ms));
  EXPECT_EQ(time.slept[1], std::chrono::steady_clock::duration(400ms));
  ASSERT_EQ(time.calls.size(), 3u);
  EXPECT_EQ(time.calls[0].verb, "GET");
  EXPECT_EQ(time.calls[0].status, 503);
  EXPECT_EQ(time.calls[2].status, 200);
}

TEST(Client, HonoursRetryAfterOn429) {
  scripted_server server;
  server.then_json(429, status_body(429, "TooManyRequests", "slow down"), {{"Retry-After", "3"}});
  server.then_json(200, R"({"kind":"NamespaceList","items":[]})");
  fake_time time;
  client api(plain(server), time.options());
  ASSERT_TRUE(api.list("/api/v1/namespaces"));
  ASSERT_EQ(time.slept.size(), 1u);
  EXPECT_EQ(time.slept[0], std::chrono::steady_clock::duration(3s));
}

TEST(Client, GivesUpAfterMaxAttemptsWithTypedError) {
  scripted_server server;
  server.otherwise([](const recorded_request&) {
    return http::response::json(503, status_body(503, "ServiceUnavailable", "down"));
  });
  fake_time time;
  auto options = time.options();
  options.retry.max_attempts = 3;
  client api(plain(server), options);
  auto r = api.get("/api/v1/namespaces/x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::unavailable);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(Client, CreateIsNotRetriedWhenTheServerMayHaveAppliedIt) {
  scripted_server server;
  server.otherwise([](const recorded_request&) {
    return http::response::json(500, status_body(500, "InternalError", "boom"));
  });
  fake_time time;
  client api(plain(server), time.options());
  auto r = api.create("/api/v1/namespaces", {{"metadata", {{"name", "dev1"}}}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::unavailable);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].param("fieldManager"), "devenv-scaler");
  EXPECT_EQ(json::parse(requests[0].body)["metadata"]["name"], "dev1");
}

TEST(Client, TypedErrorsFromStatusBodies) {
  scripted_server server;
  server.then_json(404, status_body(404, "NotFound", "namespaces \\\"x\\\" not found"));
  server.then_json(403, status_body(403, "Forbidden", "no"));
  server.then_json(409, status_body(409, "AlreadyExists", "exists"));
  server.then_json(422, status_body(422, "Invalid", "bad name"));
  fake_time time;
  client api(plain(server), time.options());
  auto a = api.get("/api/v1/namespaces/x");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, errc::not_found);
  EXPECT_NE(a.error().message.find("namespaces \"x\" not found"), std::string::npos) << a.error().message;
  auto b = api.remove("/api/v1/namespaces/x");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, errc::forbidden);
  auto c = api.create("/api/v1/namespaces", json::object());
  ASSERT_FALSE(c);
  EXPECT_TRUE(is_already_exists(c.error()));
  auto d = api.create("/api/v1/namespaces", json::object());
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, errc::invalid_argument);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[1].method, "DELETE");
  EXPECT_EQ(requests[1].param("propagationPolicy"), "Background");
  EXPECT_TRUE(time.slept.empty());
}

TEST(Client, MergePatchCarriesPreconditionAndFieldManager) {
  scripted_server server;
  server.then_json(409, status_body(409, "Conflict", "the object has been modified"));
  server.then_json(200, R"({"metadata":{"name":"web","resourceVersion":"43"}})");
  fake_time time;
  client api(plain(server), time.options());
  json patch = {{"spec", {{"replicas", 0}}}};
  auto conflict = api.merge_patch("/apis/apps/v1/namespaces/dev1/deployments/web", patch, "42");
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, errc::conflict);
  EXPECT_FALSE(is_already_exists(conflict.error()));
  auto ok = api.merge_patch("/apis/apps/v1/namespaces/dev1/deployments/web", patch);
  ASSERT_TRUE(ok) << ok.error().message;
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);  // a 409 is never retried blindly
  EXPECT_EQ(requests[0].method, "PATCH");
  EXPECT_EQ(requests[0].header("content-type"), "application/merge-patch+json");
  EXPECT_EQ(requests[0].param("fieldManager"), "devenv-scaler");
  auto sent = json::parse(requests[0].body);
  EXPECT_EQ(sent["metadata"]["resourceVersion"], "42");
  EXPECT_EQ(sent["spec"]["replicas"], 0);
  EXPECT_FALSE(json::parse(requests[1].body).contains("metadata"));
}

TEST(Client, ListAllFollowsContinueTokensAndRestartsOnExpiry) {
  scripted_server server;
  auto page = [](std::vector<std::string> names, std::string next, std::string rv) {
    json items = json::array();
    for (auto& n : names) items.push_back({{"metadata", {{"name", n}}}});
    json list = {{"kind", "NamespaceList"}, {"metadata", {{"resourceVersion", rv}}}, {"items", items}};
    if (!next.empty()) list["metadata"]["continue"] = next;
    return http::response::json(200, list.dump());
  };
  server.then([&](const recorded_request&) { return page({"a", "b"}, "c1", "10"); });
  server.then([](const recorded_request&) {
    return http::response::json(410, status_body(410, "Expired", "continue token too old"));
  });
  server.then([&](const recorded_request&) { return page({"a", "b"}, "c2", "12"); });
  server.then([&](const recorded_request&) { return page({"c"}, "", "12"); });
  fake_time time;
  client api(plain(server), time.options());
  list_options options;
  options.label_selector = "scheduler notin (disabled),app=web";
  options.limit = 2;
  auto all = api.list_all("/api/v1/namespaces", options);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ((*all)["items"].size(), 3u);
  EXPECT_EQ((*all)["items"][2]["metadata"]["name"], "c");
  EXPECT_EQ((*all)["metadata"]["resourceVersion"], "12");
  EXPECT_FALSE((*all)["metadata"].contains("continue"));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].param("labelSelector"), "scheduler notin (disabled),app=web");  // survived encoding
  EXPECT_EQ(requests[0].param("limit"), "2");
  EXPECT_EQ(requests[0].param("continue"), "");
  EXPECT_EQ(requests[1].param("continue"), "c1");
  EXPECT_EQ(requests[2].param("continue"), "");  // restarted from the first page
  EXPECT_EQ(requests[3].param("continue"), "c2");
}

TEST(Client, PerAttemptTimeout) {
  scripted_server server;
  std::atomic<bool> release{false};
  server.otherwise([&](const recorded_request&) {
    http::response r;
    r.status = 200;
    r.stream = [&](http::stream_writer& w) -> net::awaitable<void> {
      // Headers go out, the body never comes until released: the client's deadline must fire.
      net::steady_timer timer(co_await net::this_coro::executor);
      while (!release.load() && !w.stopping()) {
        timer.expires_after(20ms);
        co_await timer.async_wait(net::use_awaitable);
      }
    };
    return r;
  });
  fake_time time;
  auto options = time.options();
  options.request_timeout = 300ms;
  options.retry.max_attempts = 2;
  client api(plain(server), options);
  auto r = api.get("/api/v1/namespaces/x");
  release = true;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::timeout);
  EXPECT_EQ(server.requests().size(), 2u);  // a GET is retried after a timeout
}

TEST(Client, ConnectionRefusedIsUnavailable) {
  std::string dead_url;
  {
    scripted_server server;
    dead_url = server.url();
  }
  fake_time time;
  auto options = time.options();
  options.retry.max_attempts = 2;
  connection_config config;
  config.server = dead_url;
  client api(config, options);
  auto r = api.create("/api/v1/namespaces", json::object());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::unavailable);
  EXPECT_EQ(time.slept.size(), 1u);  // even a create is retried when nothing was sent
}

TEST(Client, RateLimiterSpacesCalls) {
  scripted_server server;
  server.otherwise([](const recorded_request&) { return http::response::json(200, "{}"); });
  fake_time time;
  auto options = time.options();
  options.qps = 2;
  options.burst = 1;
  client api(plain(server), options);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(api.get("/api/v1/namespaces/x"));
  ASSERT_EQ(time.slept.size(), 2u);
  EXPECT_EQ(time.slept[0], std::chrono::steady_clock::duration(500ms));
  EXPECT_EQ(time.slept[1], std::chrono::steady_clock::duration(500ms));
}

TEST(Client, TokenFileRotationIsPickedUp) {
  testing::temp_dir dir;
  auto token_file = dir.write("token", "one\n");
  scripted_server server;
  server.otherwise([](const recorded_request&) { return http::response::json(200, "{}"); });
  connection_config config;
  config.server = server.url();
  config.token_file = token_file.string();
  fake_time time;
  client api(config, time.options());
  ASSERT_TRUE(api.get("/x"));
  auto mtime = std::filesystem::last_write_time(token_file);
  dir.write("token", "two\n");
  std::filesystem::last_write_time(token_file, mtime + 2s);
  ASSERT_TRUE(api.get("/x"));
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].header("authorization"), "Bearer one");
  EXPECT_EQ(requests[1].header("authorization"), "Bearer two");
}

TEST(Client, ReusesConnections) {
  scripted_server server;
  server.otherwise([](const recorded_request&) { return http::response::json(200, "{}"); });
  fake_time time;
  client api(plain(server), time.options());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(api.get("/x"));
  EXPECT_EQ(server.open_connections(), 1u);
}

http::response watch_stream(std::vector<std::string> lines) {
  http::response r;
  r.status = 200;
  r.header("Content-Type", "application/json");
  r.stream = [lines = std::move(lines)](http::stream_writer& w) -> net::awaitable<void> {
    for (const auto& line : lines) {
      if (!co_await w.write(line + "\n")) co_return;
    }
  };
  return r;
}

std::string event(const std::string& type, const std::string& name, const std::string& rv) {
  return json({{"type", type}, {"object", {{"metadata", {{"name", name}, {"resourceVersion", rv}}}}}}).dump();
}

TEST(Client, WatchStreamsEventsAndReportsWhyItEnded) {
  struct watch_case {
    std::string name;
    std::function<http::response(const recorded_request&)> answer;
    std::vector<std::string> expected_events;
    watch_end::reason expected_reason;
    std::string expected_rv;
  };
  std::vector<watch_case> cases = {
      {"server closes after events and a bookmark",
       [](const recorded_request&) {
         return watch_stream(
             {event("ADDED", "a", "11"), event("MODIFIED", "a", "12"), event("BOOKMARK", "", "15")});
       },
       {"ADDED a", "MODIFIED a"},
       watch_end::reason::closed,
       "15"},
      {"410 inside the stream",
       [](const recorded_request&) {
         return watch_stream(
             {event("DELETED", "b", "13"),
              json({{"type", "ERROR"}, {"object", json::parse(status_body(410, "Expired", "too old"))}})
                  .dump()});
       },
       {"DELETED b"},
       watch_end::reason::expired,
       "13"},
      {"410 as the HTTP status",
       [](const recorded_request&) { return http::response::json(410, status_body(410, "Gone", "too old")); },
       {},
       watch_end::reason::expired,
       "10"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    scripted_server server;
    server.then(tc.answer);
    fake_time time;
    client api(plain(server), time.options());
    std::vector<std::string> seen;
    std::atomic<bool> stop{false};
    auto end = api.watch(
        "/api/v1/namespaces", {"10", "team=a", ""},
        [&](const watch_event& e) { seen.push_back(e.type + " " + e.object["metadata"].value("name", "")); },
        stop);
    ASSERT_TRUE(end) << end.error().message;
    EXPECT_EQ(seen, tc.expected_events);
    EXPECT_EQ(end->why, tc.expected_reason);
    EXPECT_EQ(end->resource_version, tc.expected_rv);
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].param("watch"), "true");
    EXPECT_EQ(requests[0].param("resourceVersion"), "10");
    EXPECT_EQ(requests[0].param("labelSelector"), "team=a");
    EXPECT_EQ(requests[0].param("timeoutSeconds"), "300");
  }
}

TEST(Client, WatchStopsWhenAskedEvenIfTheServerIsSilent) {
  scripted_server server;
  server.otherwise([](const recorded_request&) {
    http::response r;
    r.stream = [](http::stream_writer& w) -> net::awaitable<void> {
      co_await w.write(event("ADDED", "a", "2") + "\n");
      net::steady_timer timer(co_await net::this_coro::executor);
      while (!w.stopping()) {
        timer.expires_after(20ms);
        co_await timer.async_wait(net::use_awaitable);
        if (!co_await w.write(" ")) co_return;  // keep the connection busy but send no event
      }
    };
    return r;
  });
  fake_time time;
  client api(plain(server), time.options());
  std::atomic<bool> stop{false};
  int events = 0;
  auto end = api.watch(
      "/api/v1/namespaces", {},
      [&](const watch_event&) {
        ++events;
        stop = true;  // the stop flag is honoured from inside the callback and between chunks
      },
      stop);
  ASSERT_TRUE(end) << end.error().message;
  EXPECT_EQ(end->why, watch_end::reason::stopped);
  EXPECT_EQ(events, 1);
}

TEST(Informer, ListsWatchesAndRelistsOnGone) {
  scripted_server server;
  auto list = [](std::vector<std::string> names, std::string rv) {
    json items = json::array();
    for (auto& n : names) items.push_back({{"metadata", {{"name", n}, {"resourceVersion", rv}}}});
    return http::response::json(200,
                                json({{"metadata", {{"resourceVersion", rv}}}, {"items", items}}).dump());
  };
  server.then([&](const recorded_request&) { return list({"a"}, "5"); });
  server.then(
      [](const recorded_request&) { return watch_stream({event("ADDED", "b", "6")}); });  // then closes
  server.then([](const recorded_request&) {
    return watch_stream(
        {json({{"type", "ERROR"}, {"object", json::parse(status_body(410, "Expired", "old"))}}).dump()});
  });
  server.then([&](const recorded_request&) { return list({"a", "b", "c"}, "9"); });
  server.then([](const recorded_request&) { return watch_stream({event("DELETED", "a", "10")}); });
  server.otherwise([](const recorded_request&) { return http::response::json(500, "{}"); });

  fake_time time;
  client api(plain(server), time.options());
  std::atomic<bool> stop{false};
  std::vector<std::string> log;
  informer_handlers handlers;
  handlers.on_snapshot = [&](const json& items, const std::string& rv) {
    log.push_back("snapshot " + std::to_string(items.size()) + " @" + rv);
  };
  handlers.on_event = [&](const watch_event& e) {
    log.push_back(e.type + " " + e.object["metadata"].value("name", ""));
    if (e.type == "DELETED") stop = true;
  };
  informer_options options;
  options.selector.label_selector = "team=a";
  options.sleep = [](std::chrono::milliseconds, const std::atomic<bool>&) {};
  run_informer(api, "/api/v1/namespaces", handlers, stop, options);

  EXPECT_EQ(log, (std::vector<std::string>{"snapshot 1 @5", "ADDED b", "snapshot 3 @9", "DELETED a"}));
  auto requests = server.requests();
  ASSERT_GE(requests.size(), 5u);
  EXPECT_EQ(requests[1].param("resourceVersion"), "5");  // watch from the list's version
  EXPECT_EQ(requests[2].param("resourceVersion"), "6");  // resumed after the server closed the stream
  EXPECT_EQ(requests[2].param("watch"), "true");
  EXPECT_EQ(requests[3].param("watch"), "");  // relist after 410
  EXPECT_EQ(requests[4].param("resourceVersion"), "9");
  for (const auto& r : requests) EXPECT_EQ(r.param("labelSelector"), "team=a");
}

// TLS: a CA issued in the test, a server certificate for 127.0.0.1, and the client trusting that CA only.
TEST(Client, TlsVerifiesTheServerAgainstTheConfiguredCa) {
  testing::temp_dir dir;
  auto now = std::chrono::system_clock::now();
  auto ca = http::certificate_authority::create("kube-test-ca", now);
  ASSERT_TRUE(ca) << ca.error().message;
  auto leaf = ca->issue({"127.0.0.1", {"localhost"}, {"127.0.0.1"}}, now);
  ASSERT_TRUE(leaf) << leaf.error().message;
  ASSERT_TRUE(
      http::certificate_authority::write_files(*leaf, dir.path() / "tls.crt", dir.path() / "tls.key"));
  auto other_ca = http::certificate_authority::create("someone-else", now);
  ASSERT_TRUE(other_ca);
  auto tls = http::tls_context::from_files(dir.path() / "tls.crt", dir.path() / "tls.key");
  ASSERT_TRUE(tls) << tls.error().message;
  scripted_server server(*tls);
  server.otherwise([](const recorded_request&) { return http::response::json(200, R"({"ok":true})"); });
  auto ca_file = dir.write("ca.crt", ca->certificate_pem());

  struct tls_case {
    std::string name;
    std::function<void(connection_config&)> setup;
    bool succeeds;
  };
  std::vector<tls_case> cases = {
      {"CA as PEM data", [&](connection_config& c) { c.ca_data = ca->certificate_pem(); }, true},
      {"CA as file", [&](connection_config& c) { c.ca_file = ca_file.string(); }, true},
      {"wrong CA", [&](connection_config& c) { c.ca_data = other_ca->certificate_pem(); }, false},
      {"wrong CA but insecure",
       [&](connection_config& c) {
         c.ca_data = other_ca->certificate_pem();
         c.insecure_skip_tls_verify = true;
       },
       true},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    connection_config config;
    config.server = server.url("https");
    config.token = "secret-token";
    tc.setup(config);
    fake_time time;
    auto options = time.options();
    options.retry.max_attempts = 1;
    client api(config, options);
    auto r = api.get("/healthz");
    EXPECT_EQ(r.has_value(), tc.succeeds) << (r ? "" : r.error().message);
    if (!r) {
      EXPECT_EQ(r.error().code, errc::unavailable);
      EXPECT_EQ(r.error().message.find("secret-token"), std::string::npos);  // never leak the credential
    }
  }
}

}  // namespace
}  // namespace devenv::kube
