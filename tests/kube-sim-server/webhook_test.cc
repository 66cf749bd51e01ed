// Admission webhooks as kube-apiserver calls them, in-process: kube-sim over HTTPS on port 0 and a webhook
// server (devenv::http::server over TLS, certificate from its own CA) on the same io_context. The pure
// pieces (selectors, rules, answers, endpoints, protobuf bodies) are checked table by table first.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "http/certificate_authority.h"
#include "http/curl_client.h"
#include "http/server.h"
#include "server/admission_review.h"
#include "server/api_server.h"
#include "server/kubeconfig.h"
#include "server/protobuf_body.h"
#include "server/webhook_config.h"

namespace kubesim {
namespace {

namespace http = devenv::http;
using nlohmann::json;
using namespace std::chrono;

// --- pure pieces -----------------------------------------------------------------------------------------

TEST(LabelSelectorMatches, FollowsMetaV1LabelSelector) {
  const json labels = {{"scheduler", "disabled"}, {"team", "a"}};
  struct {
    json selector;
    bool matches;
  } cases[] = {
      {json::object(), true},
      {nullptr, true},
      {{{"matchLabels", {{"team", "a"}}}}, true},
      {{{"matchLabels", {{"team", "b"}}}}, false},
      {{{"matchLabels", {{"owner", ""}}}}, false},  // absent is not the empty value
      {{{"matchExpressions", {{{"key", "scheduler"}, {"operator", "In"}, {"values", {"disabled", "x"}}}}}},
       true},
      {{{"matchExpressions", {{{"key", "scheduler"}, {"operator", "NotIn"}, {"values", {"disabled"}}}}}},
       false},
      {{{"matchExpressions", {{{"key", "missing"}, {"operator", "NotIn"}, {"values", {"disabled"}}}}}}, true},
      {{{"matchExpressions", {{{"key", "team"}, {"operator", "Exists"}}}}}, true},
      {{{"matchExpressions", {{{"key", "missing"}, {"operator", "Exists"}}}}}, false},
      {{{"matchExpressions", {{{"key", "missing"}, {"operator", "DoesNotExist"}}}}}, true},
      {{{"matchExpressions", {{{"key", "team"}, {"operator", "DoesNotExist"}}}}}, false},
      {{{"matchLabels", {{"team", "a"}}},
        {"matchExpressions", {{{"key", "team"}, {"operator", "DoesNotExist"}}}}},
       false},
  };
  for (const auto& c : cases) {
    const auto matched = label_selector_matches(c.selector, labels);
    ASSERT_TRUE(matched) << c.selector.dump();
    EXPECT_EQ(*matched, c.matches) << c.selector.dump();
  }
  EXPECT_FALSE(label_selector_matches({{"matchExpressions", {{{"key", "a"}, {"operator", "Gt"}}}}}, labels));
  EXPECT_FALSE(label_selector_matches({{"matchExpressions", {{{"key", "a"}, {"operator", "In"}}}}}, labels));
}

TEST(WebhookRules, MatchOperationGroupVersionResourceAndScope) {
  const resource_kind* ns = find_kind("", "v1", "namespaces");
  const resource_kind* deploy = find_kind("apps", "v1", "deployments");
  ASSERT_NE(ns, nullptr);
  ASSERT_NE(deploy, nullptr);
  auto hook_with = [](json rule) {
    json config = {
        {"metadata", {{"name", "c"}}},
        {"webhooks",
         {{{"name", "w.example.com"}, {"clientConfig", {{"url", "https://x"}}}, {"rules", {rule}}}}}};
    return parse_webhook_configuration(config, true).at(0);
  };
  const json namespaces = {{"operations", {"CREATE", "UPDATE"}},
                           {"apiGroups", {""}},
                           {"apiVersions", {"v1"}},
                           {"resources", {"namespaces"}}};
  struct {
    json rule;
    std::string operation;
    const resource_kind* kind;
    bool matches;
  } cases[] = {
      {namespaces, "CREATE", ns, true},
      {namespaces, "UPDATE", ns, true},
      {namespaces, "DELETE", ns, false},
      {namespaces, "CREATE", deploy, false},
      {{{"operations", {"*"}}, {"apiGroups", {"*"}}, {"apiVersions", {"*"}}, {"resources", {"*"}}},
       "UPDATE",
       deploy,
       true},
      {{{"operations", {"*"}},
        {"apiGroups", {"*"}},
        {"apiVersions", {"*"}},
        {"resources", {"*/*"}},
        {"scope", "Namespaced"}},
       "CREATE",
       ns,
       false},
      {{{"operations", {"*"}},
        {"apiGroups", {"*"}},
        {"apiVersions", {"*"}},
        {"resources", {"*"}},
        {"scope", "Cluster"}},
       "CREATE",
       ns,
       true},
      {{{"operations", {"CREATE"}},
        {"apiGroups", {""}},
        {"apiVersions", {"v2"}},
        {"resources", {"namespaces"}}},
       "CREATE",
       ns,
       false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(rules_match(hook_with(c.rule), c.operation, *c.kind), c.matches)
        << c.rule.dump() << " " << c.operation;
  }
}

TEST(WebhookConfiguration, DefaultsAndClientConfig) {
  const json config = {
      {"metadata", {{"name", "cfg"}}},
      {"webhooks",
       {{{"name", "a.example.com"},
         {"clientConfig", {{"url", "https://h/x"}, {"caBundle", base64_encode("PEM")}}}},
        {{"name", "b.example.com"},
         {"failurePolicy", "Ignore"},
         {"timeoutSeconds", 99},
         {"sideEffects", "NoneOnDryRun"},
         {"clientConfig", {{"service", {{"namespace", "ops"}, {"name", "hook"}, {"path", "/admit"}}}}}},
        {{"clientConfig", {{"url", "https://nameless"}}}}}}};
  std::vector<std::string> problems;
  const auto hooks = parse_webhook_configuration(config, false, &problems);
  ASSERT_EQ(hooks.size(), 2u);
  EXPECT_EQ(problems.size(), 1u);
  EXPECT_EQ(hooks[0].ca_bundle_pem, "PEM");
  EXPECT_TRUE(hooks[0].fail_closed);  // admissionregistration/v1 defaults failurePolicy to Fail
  EXPECT_EQ(hooks[0].timeout, seconds(10));
  EXPECT_FALSE(hooks[1].fail_closed);
  EXPECT_EQ(hooks[1].timeout, seconds(30));
  EXPECT_EQ(hooks[1].configuration, "cfg");

  EXPECT_EQ(resolve_endpoint(hooks[0], {})->url, "https://h/x");
  EXPECT_FALSE(resolve_endpoint(hooks[1], {}));  // a Service cannot be reached without a mapping
  const auto mapped = resolve_endpoint(hooks[1], {{"ops/hook", "localhost:8443"}});
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->url, "https://hook.ops.svc:8443/admit");
  EXPECT_EQ(mapped->resolve, "hook.ops.svc:8443:127.0.0.1");
}

TEST(Base64Decode, AcceptsPaddingAndRejectsGarbage) {
  struct {
    std::string in;
    std::optional<std::string> out;
  } cases[] = {{"", ""},
               {"YQ==", "a"},
               {"YWI=", "ab"},
               {"YWJj", "abc"},
               {"YW\nJj", "abc"},
               {"YWJj=YQ", std::nullopt},
               {"Y", std::nullopt},
               {"Y$==", std::nullopt}};
  for (const auto& c : cases) EXPECT_EQ(base64_decode(c.in), c.out) << c.in;
}

json answer(std::string uid, bool allowed, json extra = json::object()) {
  json response = {{"uid", std::move(uid)}, {"allowed", allowed}};
  response.update(extra);
  return {{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"response", response}};
}

TEST(AdmissionAnswer, ChecksLikeTheApiserver) {
  const std::string patch = base64_encode(R"([{"op":"add","path":"/metadata/labels","value":{}}])");
  struct {
    std::string body;
    bool ok;
    std::string error_contains;
  } cases[] = {
      {answer("u1", true).dump(), true, ""},
      {answer("other", true).dump(), false, "expected response.uid=\"u1\""},
      {"not json", false, "not JSON"},
      {json{{"apiVersion", "admission.k8s.io/v1beta1"}, {"kind", "AdmissionReview"}}.dump(), false,
       "Kind=AdmissionReview"},
      {answer("u1", true, {{"patch", patch}}).dump(), false, "unsupported patch type"},
      {answer("u1", true, {{"patch", "!!"}, {"patchType", "JSONPatch"}}).dump(), false, "not base64"},
      {answer("u1", true, {{"patch", base64_encode("{}")}, {"patchType", "JSONPatch"}}).dump(), false,
       "JSON Patch"},
      {answer("u1", true, {{"patch", patch}, {"patchType", "JSONPatch"}}).dump(), true, ""},
  };
  for (const auto& c : cases) {
    const auto parsed = parse_admission_answer(c.body, "u1");
    EXPECT_EQ(parsed.has_value(), c.ok) << c.body;
    if (!parsed) {
      EXPECT_NE(parsed.error().find(c.error_contains), std::string::npos) << parsed.error();
    }
  }
  const auto denied = parse_admission_answer(
      answer("u1", false, {{"status", {{"code", 403}, {"message", "no"}}}, {"warnings", {"w1", "w2"}}})
          .dump(),
      "u1");
  ASSERT_TRUE(denied);
  EXPECT_FALSE(denied->allowed);
  EXPECT_EQ(denied->message, "no");
  EXPECT_EQ(denied->warnings, (std::vector<std::string>{"w1", "w2"}));
  EXPECT_NE(random_uuid(), random_uuid());
  EXPECT_EQ(random_uuid().size(), 36u);
}

// Protobuf wire helpers: just enough to write what client-go writes.
std::string varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string bytes_field(int number, const std::string& value) {
  return varint(static_cast<std::uint64_t>(number) << 3 | 2) + varint(value.size()) + value;
}
std::string envelope(const std::string& api_version, const std::string& kind, const std::string& raw) {
  return std::string("k8s\0", 4) + bytes_field(1, bytes_field(1, api_version) + bytes_field(2, kind)) +
         bytes_field(2, raw) + bytes_field(3, "") + bytes_field(4, "");
}

TEST(ProtobufBody, DecodesANamespace) {
  const std::string meta = bytes_field(1, "dev9") + varint(7 << 3) + varint(3) /* generation, ignored */ +
                           bytes_field(11, bytes_field(1, "team") + bytes_field(2, "a")) +
                           bytes_field(12, bytes_field(1, "note") + bytes_field(2, "x y")) +
                           bytes_field(14, "f1");
  const std::string ns =
      bytes_field(1, meta) + bytes_field(2, bytes_field(1, "kubernetes")) + bytes_field(3, "");
  const auto decoded = decode_protobuf_object(envelope("v1", "Namespace", ns));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, json::parse(R"({"apiVersion":"v1","kind":"Namespace",
      "metadata":{"name":"dev9","labels":{"team":"a"},"annotations":{"note":"x y"},"finalizers":["f1"]},
      "spec":{"finalizers":["kubernetes"]}})"));

  struct {
    std::string body;
    int code;
  } failures[] = {
      {envelope("apps/v1", "Deployment", ""), 415},
      {"{}", 400},
      {std::string("k8s\0", 4) + "\x0a\x05" + "ab", 400},  // length beyond the data
      {envelope("v1", "Namespace", "\x0a\x09" + bytes_field(1, "x")), 400},
  };
  for (const auto& f : failures) {
    const auto r = decode_protobuf_object(f.body);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, f.code);
  }
  EXPECT_TRUE(is_protobuf_content_type("application/vnd.kubernetes.protobuf"));
  EXPECT_TRUE(is_protobuf_content_type("application/vnd.kubernetes.protobuf; charset=x"));
  EXPECT_FALSE(is_protobuf_content_type("application/json"));
}

// --- kube-sim calling a webhook over TLS -----------------------------------------------------------------

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kubesim_webhook_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    const auto now = system_clock::now();
    auto ca = http::certificate_authority::create("kube-sim-ca", now);
    ASSERT_TRUE(ca);
    ca_pem_ = ca->certificate_pem();
    auto leaf = ca->issue({"kube-sim", {"localhost"}, {"127.0.0.1"}, hours(1)}, now);
    ASSERT_TRUE(leaf);
    ASSERT_TRUE(http::certificate_authority::write_files(*leaf, dir_ / "api.crt", dir_ / "api.key"));
    auto api_tls = http::tls_context::from_files(dir_ / "api.crt", dir_ / "api.key");
    ASSERT_TRUE(api_tls);

    // The webhook has its own CA, as a real one would: kube-sim must trust it through caBundle only.
    auto hook_ca = http::certificate_authority::create("webhook-ca", now);
    ASSERT_TRUE(hook_ca);
    hook_ca_pem_ = hook_ca->certificate_pem();
    auto hook_leaf = hook_ca->issue({"hook", {"localhost", "hook.ops.svc"}, {"127.0.0.1"}, hours(1)}, now);
    ASSERT_TRUE(hook_leaf);
    ASSERT_TRUE(http::certificate_authority::write_files(*hook_leaf, dir_ / "hook.crt", dir_ / "hook.key"));
    auto hook_tls = http::tls_context::from_files(dir_ / "hook.crt", dir_ / "hook.key");
    ASSERT_TRUE(hook_tls);

    http::server_options hook_options;
    hook_options.tls = *hook_tls;
    hook_server_ = std::make_unique<http::server>(
        io_, hook_options, [this](http::request& request) { return serve_hook(request); });
    hook_server_->start();
    hook_url_ = "https://127.0.0.1:" + std::to_string(hook_server_->port());

    api_server_options options;
    options.webhooks.service_endpoints["ops/hook"] = "127.0.0.1:" + std::to_string(hook_server_->port());
    api_ = std::make_unique<api_server>(io_, options, [] { return system_clock::now(); });
    api_->tokens().add_static(
        {"admin-token", {"admin", "admin-uid", {"system:masters", "system:authenticated"}}});
    http::server_options server_options;
    server_options.tls = *api_tls;
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
        hook_server_->stop(milliseconds(100));
      });
      thread_.join();
    }
    std::filesystem::remove_all(dir_);
  }

  // The webhook: records every review, waits `delay_`, then answers with what `behaviour_` returns (the
  // `response` object; uid is filled in unless the behaviour set one).
  net::awaitable<http::response> serve_hook(http::request& request) {
    json review = json::parse(request.body, nullptr, false);
    std::function<json(const json&)> behaviour;
    milliseconds delay{0};
    {
      std::lock_guard lock(mutex_);
      reviews_.push_back(review);
      paths_.push_back(request.target);
      behaviour = behaviour_;
      delay = delay_;
    }
    if (delay.count() > 0) {
      net::steady_timer timer(io_, delay);
      boost::system::error_code ec;
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    json response = behaviour ? behaviour(review) : json{{"allowed", true}};
    if (!response.contains("uid")) response["uid"] = review["request"]["uid"];
    co_return http::response::json(
        200, json{{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"response", response}}
                 .dump());
  }

  void set_behaviour(std::function<json(const json&)> behaviour, milliseconds delay = milliseconds(0)) {
    std::lock_guard lock(mutex_);
    behaviour_ = std::move(behaviour);
    delay_ = delay;
  }
  std::vector<json> reviews() {
    std::lock_guard lock(mutex_);
    return reviews_;
  }

  http::client_response call(std::string method, std::string path, std::string body = "",
                             std::string content_type = "application/json") {
    http::client_request request;
    request.method = std::move(method);
    request.url = base_ + path;
    request.body = std::move(body);
    if (!request.body.empty()) request.headers.emplace_back("Content-Type", content_type);
    request.headers.emplace_back("Authorization", "Bearer admin-token");
    request.tls.ca_pem = ca_pem_;
    request.timeout = seconds(40);
    auto response = client_.perform(request);
    EXPECT_TRUE(response) << response.error().message;
    return response ? *response : http::client_response{};
  }
  static json body(const http::client_response& response) {
    return json::parse(response.body, nullptr, false);
  }

  // One webhook entry for namespaces CREATE/UPDATE pointing at the test webhook.
  json webhook_entry(const std::string& name, json extra = json::object()) {
    json entry = {{"name", name},
                  {"admissionReviewVersions", {"v1"}},
                  {"sideEffects", "None"},
                  {"failurePolicy", "Fail"},
                  {"clientConfig",
                   {{"url", hook_url_ + "/admission/namespaces"}, {"caBundle", base64_encode(hook_ca_pem_)}}},
                  {"rules",
                   {{{"operations", {"CREATE", "UPDATE"}},
                     {"apiGroups", {""}},
                     {"apiVersions", {"v1"}},
                     {"resources", {"namespaces"}}}}}};
    entry.update(extra);
    return entry;
  }
  void register_config(bool mutating, const std::string& name, json webhooks) {
    const std::string resource =
        mutating ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations";
    const json config = {
        {"apiVersion", "admissionregistration.k8s.io/v1"},
        {"kind", mutating ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration"},
        {"metadata", {{"name", name}}},
        {"webhooks", std::move(webhooks)}};
    ASSERT_EQ(call("POST", "/apis/admissionregistration.k8s.io/v1/" + resource, config.dump()).status, 201);
  }
  http::client_response create_namespace(const std::string& name, json labels = json::object(),
                                         const std::string& query = "") {
    return call(
        "POST", "/api/v1/namespaces" + query,
        json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}, {"labels", labels}}}}
            .dump());
  }
  bool namespace_exists(const std::string& name) {
    return call("GET", "/api/v1/namespaces/" + name).status == 200;
  }
  json webhook_calls() { return body(call("GET", "/_sim/webhooks"))["items"]; }

  static std::string free_port_url() {
    // A port that was free a moment ago: connections to it are refused.
    net::io_context io;
    net::ip::tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"), 0});
    const auto port = acceptor.local_endpoint().port();
    acceptor.close();
    return "https://127.0.0.1:" + std::to_string(port) + "/admission";
  }

  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::string ca_pem_, hook_ca_pem_, hook_url_, base_;
  net::io_context io_{1};
  std::unique_ptr<http::server> hook_server_;
  std::unique_ptr<api_server> api_;
  std::unique_ptr<http::server> server_;
  std::thread thread_;
  http::curl_client client_;
  std::mutex mutex_;
  std::vector<json> reviews_;
  std::vector<std::string> paths_;
  std::function<json(const json&)> behaviour_;
  milliseconds delay_{0};
};

json add_label_patch(const std::string& key, const std::string& value) {
  const json ops = json::array({{{"op", "add"}, {"path", "/metadata/labels/" + key}, {"value", value}}});
  return {{"allowed", true}, {"patchType", "JSONPatch"}, {"patch", base64_encode(ops.dump())}};
}

TEST_F(WebhookTest, NoConfigurationNoCall) {
  EXPECT_EQ(create_namespace("plain").status, 201);
  EXPECT_TRUE(reviews().empty());
  EXPECT_TRUE(webhook_calls().empty());
}

TEST_F(WebhookTest, MutationIsAppliedAndTheReviewLooksLikeTheApiservers) {
  register_config(true, "devenv-scaler", {webhook_entry("namespaces.devenv-scaler.io")});
  set_behaviour([](const json&) { return add_label_patch("scheduler", "enabled"); });
  const auto created = create_namespace("dev9", {{"team", "a"}}, "?fieldManager=kubectl-create");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(body(created)["metadata"]["labels"]["scheduler"], "enabled");
  EXPECT_EQ(body(call("GET", "/api/v1/namespaces/dev9"))["metadata"]["labels"]["scheduler"], "enabled");

  const auto seen = reviews();
  ASSERT_EQ(seen.size(), 1u);
  const json& request = seen[0]["request"];
  EXPECT_EQ(seen[0]["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(request["uid"].get<std::string>().size(), 36u);
  EXPECT_EQ(request["operation"], "CREATE");
  EXPECT_EQ(request["kind"], json({{"group", ""}, {"version", "v1"}, {"kind", "Namespace"}}));
  EXPECT_EQ(request["resource"], json({{"group", ""}, {"version", "v1"}, {"resource", "namespaces"}}));
  EXPECT_EQ(request["requestKind"], request["kind"]);
  EXPECT_EQ(request["name"], "dev9");
  EXPECT_FALSE(request.contains("namespace"));
  EXPECT_EQ(request["userInfo"]["username"], "admin");
  EXPECT_EQ(request["object"]["metadata"]["labels"]["team"], "a");
  EXPECT_TRUE(request["oldObject"].is_null());
  EXPECT_EQ(request["dryRun"], false);
  EXPECT_EQ(request["options"]["kind"], "CreateOptions");
  EXPECT_EQ(request["options"]["fieldManager"], "kubectl-create");
  {
    std::lock_guard lock(mutex_);
    EXPECT_EQ(paths_.at(0), "/admission/namespaces?timeout=10s");
  }
  const json calls = webhook_calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["outcome"], "patched");
  EXPECT_EQ(calls[0]["webhook"], "namespaces.devenv-scaler.io");
  EXPECT_EQ(calls[0]["dryRun"], false);
}

TEST_F(WebhookTest, UpdatesByPatchSeeOldAndNewObject) {
  ASSERT_EQ(create_namespace("dev1").status, 201);
  register_config(true, "m", {webhook_entry("m.example.com")});
  set_behaviour([](const json& review) {
    const bool disabled =
        review["request"]["object"]["metadata"]["labels"].value("scheduler", "") == "disabled";
    return disabled ? add_label_patch("suspended", "true") : json{{"allowed", true}};
  });
  const auto patched =
      call("PATCH", "/api/v1/namespaces/dev1", R"({"metadata":{"labels":{"scheduler":"disabled"}}})",
           "application/merge-patch+json");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(body(patched)["metadata"]["labels"]["suspended"], "true");
  const auto seen = reviews();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["request"]["operation"], "UPDATE");
  EXPECT_EQ(seen[0]["request"]["options"]["kind"], "UpdateOptions");
  EXPECT_FALSE(seen[0]["request"]["oldObject"]["metadata"].contains("labels") &&
               seen[0]["request"]["oldObject"]["metadata"]["labels"].contains("scheduler"));
}

TEST_F(WebhookTest, MutatingRunBeforeValidatingInNameOrder) {
  register_config(false, "a-validate", {webhook_entry("v.example.com")});
  register_config(true, "z-mutate", {webhook_entry("second.example.com")});
  register_config(true, "b-mutate", {webhook_entry("first.example.com")});
  set_behaviour([](const json& review) {
    const json labels = review["request"]["object"]["metadata"].value("labels", json::object());
    if (!labels.contains("first")) return add_label_patch("first", "1");
    if (!labels.contains("second")) return add_label_patch("second", "2");
    return json{{"allowed", true}};
  });
  const auto created = create_namespace("ordered", {{"x", "y"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(body(created)["metadata"]["labels"],
            json({{"x", "y"}, {"first", "1"}, {"second", "2"}, {"kubernetes.io/metadata.name", "ordered"}}));
  std::vector<std::string> order;
  for (const auto& c : webhook_calls()) order.push_back(c["webhook"]);
  EXPECT_EQ(order, (std::vector<std::string>{"first.example.com", "second.example.com", "v.example.com"}));
}

TEST_F(WebhookTest, ValidatingDenialIs403WithTheMessage) {
  register_config(false, "guard", {webhook_entry("guard.example.com")});
  set_behaviour([](const json&) {
    return json{{"allowed", false}, {"status", {{"message", "dev namespaces need an owner"}}}};
  });
  const auto refused = create_namespace("nope");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body(refused)["reason"], "Forbidden");
  EXPECT_EQ(body(refused)["message"],
            "admission webhook \"guard.example.com\" denied the request: dev namespaces need an owner");
  EXPECT_FALSE(namespace_exists("nope"));
}

TEST_F(WebhookTest, FailurePolicyDecidesWhenTheWebhookIsDown) {
  struct {
    std::string policy;
    long status;
  } cases[] = {{"Ignore", 201}, {"Fail", 500}};
  int n = 0;
  for (const auto& c : cases) {
    const std::string config = "down-" + std::to_string(n);
    const std::string ns = "down-ns-" + std::to_string(n++);
    register_config(
        false, config,
        {webhook_entry(
            "down.example.com",
            {{"failurePolicy", c.policy},
             {"clientConfig", {{"url", free_port_url()}, {"caBundle", base64_encode(hook_ca_pem_)}}}})});
    const auto r = create_namespace(ns);
    EXPECT_EQ(r.status, c.status) << c.policy << " " << r.body;
    EXPECT_EQ(namespace_exists(ns), c.status == 201) << c.policy;
    if (c.status == 500) {
      EXPECT_EQ(body(r)["reason"], "InternalError");
      EXPECT_NE(body(r)["message"].get<std::string>().find("failed calling webhook \"down.example.com\""),
                std::string::npos)
          << r.body;
    }
    ASSERT_EQ(
        call("DELETE", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/" + config)
            .status,
        200);
  }
  const json calls = webhook_calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["outcome"], "failed");
  EXPECT_EQ(calls[0]["ignored"], true);
  EXPECT_EQ(calls[1]["ignored"], false);
}

TEST_F(WebhookTest, AWrongCaBundleIsACallFailure) {
  auto other = http::certificate_authority::create("other", system_clock::now());
  ASSERT_TRUE(other);
  register_config(
      false, "wrong-ca",
      {webhook_entry("ca.example.com", {{"clientConfig",
                                         {{"url", hook_url_ + "/admission"},
                                          {"caBundle", base64_encode(other->certificate_pem())}}}})});
  const auto r = create_namespace("untrusted");
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_TRUE(reviews().empty());  // the TLS handshake failed before any review was sent
  EXPECT_FALSE(namespace_exists("untrusted"));
}

TEST_F(WebhookTest, TimeoutSecondsBoundsTheCallAndTheServerKeepsServing) {
  register_config(false, "slow", {webhook_entry("slow.example.com", {{"timeoutSeconds", 1}})});
  set_behaviour([](const json&) { return json{{"allowed", true}}; }, milliseconds(4000));
  std::thread other([this] {
    // While the webhook call is pending, the single-threaded server still answers others.
    const auto started = steady_clock::now();
    EXPECT_EQ(call("GET", "/api/v1/namespaces/default").status, 200);
    EXPECT_LT(steady_clock::now() - started, milliseconds(900));
  });
  const auto started = steady_clock::now();
  const auto r = create_namespace("slowpoke");
  const auto took = steady_clock::now() - started;
  other.join();
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_NE(r.body.find("context deadline exceeded"), std::string::npos) << r.body;
  EXPECT_GE(took, milliseconds(900));
  EXPECT_LT(took, milliseconds(3500));
  EXPECT_FALSE(namespace_exists("slowpoke"));
}

TEST_F(WebhookTest, NamespaceSelectorSkipsMatchingNamespaces) {
  register_config(
      true, "selective",
      {webhook_entry(
          "sel.example.com",
          {{"namespaceSelector",
            {{"matchExpressions",
              {{{"key", "kubernetes.io/metadata.name"}, {"operator", "NotIn"}, {"values", {"kube-x"}}},
               {{"key", "protected"}, {"operator", "DoesNotExist"}}}}}}})});
  set_behaviour([](const json&) { return add_label_patch("seen", "yes"); });
  struct {
    std::string name;
    json labels;
    bool called;
  } cases[] = {
      {"open", json::object(), true},
      {"guarded", {{"protected", "true"}}, false},
      {"kube-x", json::object(), false}};  // skipped by the name label kube-sim sets, like the apiserver
  for (const auto& c : cases) {
    const auto before = reviews().size();
    const auto r = create_namespace(c.name, c.labels);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(reviews().size() - before, c.called ? 1u : 0u) << c.name;
    EXPECT_EQ(body(r)["metadata"]["labels"].contains("seen"), c.called) << c.name;
  }
}

TEST_F(WebhookTest, DryRunReachesTheWebhookAndStoresNothing) {
  register_config(true, "m", {webhook_entry("dry.example.com", {{"sideEffects", "NoneOnDryRun"}})});
  set_behaviour([](const json&) { return add_label_patch("scheduler", "enabled"); });
  const auto r = create_namespace("dry", json::object(), "?dryRun=All");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body(r)["metadata"]["labels"]["scheduler"], "enabled");
  EXPECT_FALSE(namespace_exists("dry"));
  const auto seen = reviews();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["request"]["dryRun"], true);
  EXPECT_EQ(seen[0]["request"]["options"]["dryRun"], json::array({"All"}));
  EXPECT_EQ(webhook_calls()[0]["dryRun"], true);
}

TEST_F(WebhookTest, DryRunIsRefusedByAWebhookWithSideEffects) {
  register_config(false, "v", {webhook_entry("effects.example.com", {{"sideEffects", "Some"}})});
  const auto r = create_namespace("dry2", json::object(), "?dryRun=All");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(body(r)["message"], "admission webhook \"effects.example.com\" does not support dry run");
  EXPECT_TRUE(reviews().empty());
}

TEST_F(WebhookTest, WarningsBecomeWarningHeaders) {
  register_config(false, "warn", {webhook_entry("warn.example.com")});
  set_behaviour([](const json&) {
    return json{{"allowed", true},
                {"warnings", {"scheduler label \"maybe\" is treated as disabled", "second"}}};
  });
  const auto r = create_namespace("warned", {{"scheduler", "maybe"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::vector<std::string> warnings;
  for (auto [it, end] = r.headers.equal_range("warning"); it != end; ++it) warnings.push_back(it->second);
  EXPECT_EQ(warnings, (std::vector<std::string>{R"(299 - "scheduler label \"maybe\" is treated as disabled")",
                                                R"(299 - "second")"}));
}

TEST_F(WebhookTest, AResponseWithoutTheUidIsAFailedCall) {
  register_config(false, "nouid", {webhook_entry("uid.example.com")});
  set_behaviour([](const json&) { return json{{"uid", "not-the-one"}, {"allowed", true}}; });
  const auto r = create_namespace("nouid");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("expected response.uid"), std::string::npos) << r.body;
}

TEST_F(WebhookTest, ServiceReferencesUseServiceEndpointsAndVerifyTheServiceName) {
  register_config(
      true, "svc",
      {webhook_entry("svc.example.com",
                     {{"clientConfig",
                       {{"service", {{"namespace", "ops"}, {"name", "hook"}, {"path", "/mutate"}}},
                        {"caBundle", base64_encode(hook_ca_pem_)}}}}),
       webhook_entry("unmapped.example.com",
                     {{"failurePolicy", "Ignore"},
                      {"clientConfig", {{"service", {{"namespace", "ops"}, {"name", "elsewhere"}}}}}})});
  set_behaviour([](const json&) { return add_label_patch("via", "service"); });
  const auto r = create_namespace("svc-ns");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body(r)["metadata"]["labels"]["via"], "service");
  const json calls = webhook_calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["url"].get<std::string>().rfind("https://hook.ops.svc:", 0), 0u) << calls[0].dump();
  EXPECT_EQ(calls[1]["outcome"], "failed");
  EXPECT_EQ(calls[1]["ignored"], true);
}

TEST_F(WebhookTest, ProtobufNamespaceCreateIsAnsweredInJson) {
  register_config(true, "m", {webhook_entry("pb.example.com")});
  set_behaviour([](const json&) { return add_label_patch("scheduler", "enabled"); });
  const std::string meta =
      bytes_field(1, "from-proto") + bytes_field(11, bytes_field(1, "team") + bytes_field(2, "b"));
  const auto r = call("POST", "/api/v1/namespaces",
                      envelope("v1", "Namespace", bytes_field(1, meta) + bytes_field(2, "")),
                      "application/vnd.kubernetes.protobuf");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(body(r)["metadata"]["labels"],
            json({{"team", "b"}, {"scheduler", "enabled"}, {"kubernetes.io/metadata.name", "from-proto"}}));
  const auto deployment = call("POST", "/apis/apps/v1/namespaces/from-proto/deployments",
                               envelope("apps/v1", "Deployment", ""), "application/vnd.kubernetes.protobuf");
  EXPECT_EQ(deployment.status, 415);
}

}  // namespace
}  // namespace kubesim
