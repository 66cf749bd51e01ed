#include "model/store.h"

#include <gtest/gtest.h>

#include "core/rfc3339.h"
#include "kube-sim-model/fixture.h"

namespace kubesim {
namespace {

using testing::deployment;
using testing::kind_of;

class StoreTest : public ::testing::Test, public testing::store_fixture {
 protected:
  const resource_kind& deployments = kind_of("deployments");
  const resource_kind& namespaces = kind_of("namespaces");
  const resource_kind& configmaps = kind_of("configmaps");
};

// std::regex is avoided: GCC 12 warns (-Wmaybe-uninitialized) inside <regex> under ASan.
bool is_uuid_v4(const std::string& s) {
  if (s.size() != 36 || s[14] != '4' || std::string_view("89ab").find(s[19]) == std::string_view::npos)
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && std::string_view("0123456789abcdef").find(s[i]) == std::string_view::npos) return false;
  }
  return true;
}

std::uint64_t rv_of(const json& object) {
  return std::stoull(object["metadata"]["resourceVersion"].get<std::string>());
}

TEST_F(StoreTest, CreateFillsServerFields) {
  auto created = s().create(deployments, "dev1", deployment("web", 3), false);
  ASSERT_TRUE(created) << created.error().message;
  const auto& meta = (*created)["metadata"];
  EXPECT_EQ((*created)["apiVersion"], "apps/v1");
  EXPECT_EQ((*created)["kind"], "Deployment");
  EXPECT_EQ(meta["namespace"], "dev1");
  EXPECT_EQ(meta["generation"], 1);
  EXPECT_EQ(meta["creationTimestamp"], devenv::format_rfc3339(now()));
  EXPECT_TRUE(is_uuid_v4(meta["uid"].get<std::string>())) << meta["uid"];
  EXPECT_EQ(meta["resourceVersion"], s().current_resource_version());
  EXPECT_EQ(*s().get(deployments, "dev1", "web"), *created);
}

TEST_F(StoreTest, CreateErrorsAreApiserverStatuses) {
  s().create(deployments, "dev1", deployment("web", 1), false).value();
  struct row {
    const char* label;
    std::string ns;
    json body;
    int code;
    std::string reason;
    std::string message;
  };
  json no_name = deployment("x", 1);
  no_name["metadata"].erase("name");
  json other_ns = deployment("y", 1);
  other_ns["metadata"]["namespace"] = "dev2";
  json wrong_kind = deployment("z", 1);
  wrong_kind["kind"] = "StatefulSet";
  const row rows[] = {
      {"exists", "dev1", deployment("web", 1), 409, "AlreadyExists",
       "deployments.apps \"web\" already exists"},
      {"no namespace", "nope", deployment("a", 1), 404, "NotFound", "namespaces \"nope\" not found"},
      {"bad name", "dev1", deployment("Web_1", 1), 422, "Invalid",
       "Deployment.apps \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 "
       "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
       "with an "
       "alphanumeric character (e.g. 'example.com', regex used for validation is "
       "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"},
      {"no name", "dev1", no_name, 422, "Invalid",
       "Deployment.apps \"\" is invalid: metadata.name: Required value: name or generateName is required"},
      {"namespace mismatch", "dev1", other_ns, 400, "BadRequest",
       "the namespace of the provided object does not match the namespace sent on the request"},
      {"wrong kind", "dev1", wrong_kind, 400, "BadRequest",
       "the kind in the data (StatefulSet) does not match the expected kind (Deployment)"},
      {"bad label", "dev1", deployment("b", 1, {{"app", "-x"}}), 422, "Invalid", ""},
  };
  for (const auto& r : rows) {
    auto res = s().create(deployments, r.ns, r.body, false);
    ASSERT_FALSE(res) << r.label;
    EXPECT_EQ(res.error().code, r.code) << r.label;
    EXPECT_EQ(res.error().reason, r.reason) << r.label;
    if (!r.message.empty()) {
      EXPECT_EQ(res.error().message, r.message) << r.label;
    }
    const json status = res.error().to_status();
    EXPECT_EQ(status["kind"], "Status") << r.label;
    EXPECT_EQ(status["status"], "Failure") << r.label;
    EXPECT_EQ(status["code"], r.code) << r.label;
  }
}

TEST_F(StoreTest, StatusDetailsNameTheObject) {
  const json status = s().get(deployments, "dev1", "ghost").error().to_status();
  EXPECT_EQ(status["details"], (json{{"name", "ghost"}, {"group", "apps"}, {"kind", "deployments"}}));
  EXPECT_EQ(status["message"], "deployments.apps \"ghost\" not found");
  auto invalid = s().create(deployments, "dev1", deployment("Bad", 1), false).error().to_status();
  EXPECT_EQ(invalid["details"]["kind"], "Deployment");
  EXPECT_EQ(invalid["details"]["causes"][0]["field"], "metadata.name");
  EXPECT_EQ(invalid["details"]["causes"][0]["reason"], "FieldValueInvalid");
}

TEST_F(StoreTest, NamespaceNamesAreDnsLabels) {
  auto res = s().create(namespaces, "", json{{"metadata", {{"name", "a.b"}}}}, false);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, 422);
  auto ns = s().create(namespaces, "", json{{"metadata", {{"name", "dev3"}}}}, false);
  ASSERT_TRUE(ns);
  EXPECT_EQ((*ns)["status"]["phase"], "Active");
  EXPECT_EQ((*ns)["spec"]["finalizers"], json::array({"kubernetes"}));
  EXPECT_FALSE((*ns)["metadata"].contains("namespace"));
}

TEST_F(StoreTest, GenerateNameAddsSuffix) {
  json cm = {{"metadata", {{"generateName", "cfg-"}}}, {"data", {{"k", "v"}}}};
  auto a = s().create(configmaps, "dev1", cm, false);
  auto b = s().create(configmaps, "dev1", cm, false);
  ASSERT_TRUE(a && b);
  const std::string an = (*a)["metadata"]["name"];
  EXPECT_EQ(an.size(), 9u) << an;
  EXPECT_TRUE(an.starts_with("cfg-")) << an;
  EXPECT_EQ(an.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789", 4), std::string::npos) << an;
  EXPECT_NE(an, (*b)["metadata"]["name"].get<std::string>());
}

TEST_F(StoreTest, DryRunStoresNothing) {
  const auto before = s().current_resource_version();
  auto res = s().create(deployments, "dev1", deployment("web", 1), true);
  ASSERT_TRUE(res);
  EXPECT_FALSE((*res)["metadata"].contains("resourceVersion"));
  EXPECT_EQ(s().current_resource_version(), before);
  EXPECT_FALSE(s().get(deployments, "dev1", "web"));
}

TEST_F(StoreTest, ResourceVersionIsClusterWideAndMonotonic) {
  std::uint64_t last = std::stoull(s().current_resource_version());
  for (int i = 0; i < 5; ++i) {
    auto d = s().create(deployments, i % 2 ? "dev1" : "dev2", deployment("d" + std::to_string(i), 1), false);
    auto c = s().create(configmaps, "dev1", json{{"metadata", {{"name", "c" + std::to_string(i)}}}}, false);
    ASSERT_TRUE(d && c);
    EXPECT_GT(rv_of(*d), last);
    EXPECT_GT(rv_of(*c), rv_of(*d));
    last = rv_of(*c);
  }
  EXPECT_EQ(std::to_string(last), s().current_resource_version());
}

TEST_F(StoreTest, ReplaceHonoursPreconditionAndImmutableFields) {
  auto created = s().create(deployments, "dev1", deployment("web", 1), false).value();
  json stale = created;
  json body = created;
  body["spec"]["replicas"] = 2;
  body["metadata"]["creationTimestamp"] = "2000-01-01T00:00:00Z";  // silently restored
  auto updated = s().replace(deployments, "dev1", "web", body, false);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_GT(rv_of(*updated), rv_of(created));
  EXPECT_EQ((*updated)["metadata"]["creationTimestamp"], created["metadata"]["creationTimestamp"]);
  EXPECT_EQ((*updated)["metadata"]["uid"], created["metadata"]["uid"]);

  stale["spec"]["replicas"] = 5;
  auto conflict = s().replace(deployments, "dev1", "web", stale, false);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, 409);
  EXPECT_EQ(conflict.error().reason, "Conflict");
  EXPECT_EQ(
      conflict.error().message,
      "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply "
      "your changes to the latest version and try again");

  json renamed = *updated;
  renamed["metadata"]["name"] = "other";
  EXPECT_EQ(s().replace(deployments, "dev1", "web", renamed, false).error().code, 400);
  EXPECT_EQ(s().replace(deployments, "dev1", "web", renamed, false).error().message,
            "the name of the object (other) does not match the name on the URL (web)");
  json new_uid = *updated;
  new_uid["metadata"]["uid"] = "0000";
  EXPECT_EQ(s().replace(deployments, "dev1", "web", new_uid, false).error().code, 422);
  EXPECT_EQ(s().replace(deployments, "dev1", "ghost", deployment("ghost", 1), false).error().code, 404);

  json unconditional = *updated;  // no resourceVersion: last write wins
  unconditional["metadata"].erase("resourceVersion");
  unconditional["metadata"]["labels"]["x"] = "y";
  EXPECT_TRUE(s().replace(deployments, "dev1", "web", unconditional, false));
}

TEST_F(StoreTest, GenerationFollowsSpecOnly) {
  s().create(deployments, "dev1", deployment("web", 1), false).value();
  struct row {
    const char* patch;
    int generation;
  };
  const row rows[] = {
      {R"({"metadata":{"labels":{"x":"1"}}})", 1}, {R"({"metadata":{"annotations":{"a":"b"}}})", 1},
      {R"({"spec":{"replicas":4}})", 2},           {R"({"spec":{"replicas":4}})", 2},  // no-op
      {R"({"status":{"replicas":99}})", 2},        {R"({"spec":{"paused":true}})", 3},
  };
  for (const auto& r : rows) {
    auto res = s().patch(deployments, "dev1", "web", patch_type::merge, r.patch, false);
    ASSERT_TRUE(res) << r.patch << ": " << res.error().message;
    EXPECT_EQ((*res)["metadata"]["generation"], r.generation) << r.patch;
  }
}

TEST_F(StoreTest, NoOpPatchKeepsVersion) {
  auto created = s().create(deployments, "dev1", deployment("web", 1), false).value();
  const auto before = s().current_resource_version();
  auto same = s().patch(deployments, "dev1", "web", patch_type::merge, R"({"spec":{"replicas":1}})", false);
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, created);
  EXPECT_EQ(s().current_resource_version(), before);
}

TEST_F(StoreTest, PatchPreconditionsAndErrors) {
  auto created = s().create(deployments, "dev1", deployment("web", 1), false).value();
  const std::string rv = created["metadata"]["resourceVersion"];
  struct row {
    patch_type type;
    std::string body;
    int code;  // 0: success
  };
  const row rows[] = {
      {patch_type::merge, R"({"metadata":{"resourceVersion":"1"},"spec":{"replicas":2}})", 409},
      {patch_type::merge, R"({"metadata":{"resourceVersion":")" + rv + R"("},"spec":{"replicas":2}})", 0},
      {patch_type::merge, R"({"metadata":{"resourceVersion":")" + rv + R"("},"spec":{"replicas":3}})",
       409},  // rv moved
      {patch_type::merge, R"({"metadata":{"name":"other"}})", 400},
      {patch_type::merge, R"({"metadata":{"uid":"x"}})", 422},
      {patch_type::json_patch, R"([{"op":"test","path":"/spec/replicas","value":7}])", 422},
      {patch_type::json_patch, R"([{"op":"replace","path":"/spec/replicas","value":6}])", 0},
      {patch_type::strategic_merge, R"({"metadata":{"labels":{"s":"1"}}})", 0},
      {patch_type::merge, R"({"metadata":{"labels":{"bad key":"1"}}})", 422},
  };
  for (const auto& r : rows) {
    auto res = s().patch(deployments, "dev1", "web", r.type, r.body, false);
    if (r.code == 0) {
      EXPECT_TRUE(res) << r.body << ": " << res.error().message;
    } else {
      ASSERT_FALSE(res) << r.body;
      EXPECT_EQ(res.error().code, r.code) << r.body;
    }
  }
  auto final = s().get(deployments, "dev1", "web").value();
  EXPECT_EQ(final["spec"]["replicas"], 6);
  EXPECT_EQ(final["metadata"]["labels"]["s"], "1");
  EXPECT_EQ(s().patch(deployments, "dev1", "ghost", patch_type::merge, "{}", false).error().code, 404);
}

TEST_F(StoreTest, ApplyPatchCreatesThenMerges) {
  const std::string manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n";
  auto created = s().patch(configmaps, "dev1", "cfg", patch_type::apply, manifest, false);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ((*created)["data"]["a"], "1");
  auto updated = s().patch(configmaps, "dev1", "cfg", patch_type::apply, "data:\n  b: two\n", false);
  ASSERT_TRUE(updated);
  EXPECT_EQ((*updated)["data"], (json{{"a", "1"}, {"b", "two"}}));
}

TEST_F(StoreTest, StatusIgnoredOnMainResourceAndSpecOnStatus) {
  s().create(deployments, "dev1", deployment("web", 1), false).value();
  auto main =
      s().patch(deployments, "dev1", "web", patch_type::merge, R"({"status":{"replicas":42}})", false);
  ASSERT_TRUE(main);
  EXPECT_NE((*main)["status"]["replicas"], 42);
  auto status = s().update_subresource(
      deployments, "dev1", "web", "status", patch_type::merge,
      R"({"spec":{"replicas":9},"metadata":{"labels":{"z":"z"}},"status":{"replicas":42}})", false);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ((*status)["status"]["replicas"], 42);
  EXPECT_EQ((*status)["spec"]["replicas"], 1);
  EXPECT_FALSE((*status)["metadata"]["labels"].contains("z"));
  EXPECT_EQ(*s().get_subresource(deployments, "dev1", "web", "status"), *status);
  EXPECT_EQ(s().get_subresource(configmaps, "dev1", "web", "status").error().code, 404);
}

TEST_F(StoreTest, ScaleSubresource) {
  auto created = s().create(deployments, "dev1", deployment("web", 3), false).value();
  auto scale = s().get_subresource(deployments, "dev1", "web", "scale");
  ASSERT_TRUE(scale);
  EXPECT_EQ((*scale)["kind"], "Scale");
  EXPECT_EQ((*scale)["apiVersion"], "autoscaling/v1");
  EXPECT_EQ((*scale)["metadata"]["uid"], created["metadata"]["uid"]);
  EXPECT_EQ((*scale)["metadata"]["resourceVersion"], created["metadata"]["resourceVersion"]);
  EXPECT_EQ((*scale)["spec"]["replicas"], 3);
  EXPECT_EQ((*scale)["status"]["replicas"], 3);
  EXPECT_EQ((*scale)["status"]["selector"], "app=web");

  auto patched = s().update_subresource(deployments, "dev1", "web", "scale", patch_type::merge,
                                        R"({"spec":{"replicas":0}})", false);
  ASSERT_TRUE(patched) << patched.error().message;
  EXPECT_EQ((*patched)["spec"]["replicas"], 0);
  auto object = s().get(deployments, "dev1", "web").value();
  EXPECT_EQ(object["spec"]["replicas"], 0);
  EXPECT_EQ(object["metadata"]["generation"], 2);

  json put = *patched;
  put["spec"]["replicas"] = 2;
  EXPECT_TRUE(s().update_subresource(deployments, "dev1", "web", "scale", std::nullopt, put.dump(), false));
  // The same Scale again carries a stale resourceVersion now.
  auto stale = s().update_subresource(deployments, "dev1", "web", "scale", std::nullopt, put.dump(), false);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, 409);
  auto negative = s().update_subresource(deployments, "dev1", "web", "scale", patch_type::merge,
                                         R"({"spec":{"replicas":-1}})", false);
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().code, 422);
  EXPECT_EQ(s().get_subresource(deployments, "dev1", "ghost", "scale").error().code, 404);
}

TEST_F(StoreTest, DeleteAndNamespaceCascade) {
  s().create(deployments, "dev1", deployment("web", 1), false).value();
  s().create(deployments, "dev2", deployment("web", 1), false).value();
  s().create(configmaps, "dev1", json{{"metadata", {{"name", "cfg"}}}}, false).value();
  auto w = s().watch(deployments, "", {}).value();
  w->pending.clear();

  auto gone = s().remove(deployments, "dev2", "web", false);
  ASSERT_TRUE(gone);
  EXPECT_EQ((*gone)["metadata"]["name"], "web");
  EXPECT_EQ(s().get(deployments, "dev2", "web").error().code, 404);
  EXPECT_EQ(s().remove(deployments, "dev2", "web", false).error().code, 404);

  ASSERT_TRUE(s().remove(namespaces, "", "dev1", false));
  EXPECT_EQ(s().get(deployments, "dev1", "web").error().code, 404);
  EXPECT_EQ(s().get(configmaps, "dev1", "cfg").error().code, 404);
  EXPECT_EQ(s().get(namespaces, "", "dev1").error().code, 404);
  ASSERT_EQ(w->pending.size(), 2u);
  EXPECT_EQ(w->pending[0].type, "DELETED");
  EXPECT_EQ(w->pending[1].type, "DELETED");
  EXPECT_EQ(w->pending[1].object["metadata"]["namespace"], "dev1");
  EXPECT_EQ(s().object_count(), 2u);  // default and dev2
  EXPECT_EQ(s().create(configmaps, "dev1", json{{"metadata", {{"name", "x"}}}}, false).error().code, 404);
  EXPECT_EQ(s().remove(namespaces, "", "default", false).error().code, 403);
}

TEST_F(StoreTest, ListSortedTypedAndFiltered) {
  for (const char* ns : {"dev2", "dev1"}) {
    for (const char* name : {"b", "a", "c"}) {
      s().create(deployments, ns, deployment(name, 1, {{"app", name}}), false).value();
    }
  }
  auto all = s().list(deployments, "", {});
  ASSERT_TRUE(all);
  EXPECT_EQ((*all)["kind"], "DeploymentList");
  EXPECT_EQ((*all)["apiVersion"], "apps/v1");
  EXPECT_EQ((*all)["metadata"]["resourceVersion"], s().current_resource_version());
  std::vector<std::string> order;
  for (const auto& item : (*all)["items"]) {
    EXPECT_FALSE(item.contains("kind"));
    order.push_back(item["metadata"]["namespace"].get<std::string>() + "/" +
                    item["metadata"]["name"].get<std::string>());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"dev1/a", "dev1/b", "dev1/c", "dev2/a", "dev2/b", "dev2/c"}));

  struct row {
    std::string ns;
    std::string labels;
    std::string fields;
    std::size_t count;
  };
  const row rows[] = {
      {"dev1", "", "", 3},
      {"dev2", "app in (a,b)", "", 2},
      {"", "app!=a", "", 4},
      {"", "", "metadata.name=c", 2},
      {"", "", "metadata.namespace=dev2,metadata.name!=c", 2},
      {"nope", "", "", 0},
  };
  for (const auto& r : rows) {
    list_options o;
    o.label_selector = r.labels;
    o.field_selector = r.fields;
    auto res = s().list(deployments, r.ns, o);
    ASSERT_TRUE(res) << r.labels << r.fields;
    EXPECT_EQ((*res)["items"].size(), r.count) << r.ns << " " << r.labels << " " << r.fields;
  }
  list_options bad;
  bad.label_selector = "app in";
  EXPECT_EQ(s().list(deployments, "", bad).error().code, 400);
  bad = {};
  bad.field_selector = "metadata.name";
  EXPECT_EQ(s().list(deployments, "", bad).error().code, 400);
}

TEST_F(StoreTest, PaginationIsAConsistentSnapshotAcrossWrites) {
  for (int i = 0; i < 7; ++i)
    s().create(configmaps, "dev1", json{{"metadata", {{"name", "cm" + std::to_string(i)}}}}, false).value();
  list_options o;
  o.limit = 3;
  auto page1 = s().list(configmaps, "dev1", o).value();
  ASSERT_EQ(page1["items"].size(), 3u);
  EXPECT_EQ(page1["metadata"]["remainingItemCount"], 4);
  const std::string snapshot_rv = page1["metadata"]["resourceVersion"];

  // Concurrent writes: one new object after the cursor, one deleted, one modified.
  s().create(configmaps, "dev1", json{{"metadata", {{"name", "cm9"}}}}, false).value();
  s().remove(configmaps, "dev1", "cm5", false).value();
  s().patch(configmaps, "dev1", "cm4", patch_type::merge, R"({"data":{"k":"v"}})", false).value();

  std::vector<std::string> names;
  for (const auto& item : page1["items"]) names.push_back(item["metadata"]["name"]);
  o.continue_token = page1["metadata"]["continue"];
  while (true) {
    auto page = s().list(configmaps, "dev1", o);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ((*page)["metadata"]["resourceVersion"], snapshot_rv);
    for (const auto& item : (*page)["items"]) {
      names.push_back(item["metadata"]["name"]);
      EXPECT_FALSE(item.contains("data"));  // cm4 as it was at the snapshot
    }
    if (!(*page)["metadata"].contains("continue")) break;
    o.continue_token = (*page)["metadata"]["continue"];
  }
  EXPECT_EQ(names, (std::vector<std::string>{"cm0", "cm1", "cm2", "cm3", "cm4", "cm5", "cm6"}));
  EXPECT_EQ(s().list(configmaps, "dev1", {}).value()["items"].size(), 7u);  // cm9 in, cm5 out now
}

TEST(StorePagination, ContinueTokenErrors) {
  store_options options;
  options.watch_history = 3;
  testing::store_fixture f(options);
  const auto& cms = kind_of("configmaps");
  for (int i = 0; i < 4; ++i)
    f.s().create(cms, "dev1", json{{"metadata", {{"name", "c" + std::to_string(i)}}}}, false).value();
  list_options o;
  o.limit = 2;
  auto page1 = f.s().list(cms, "dev1", o).value();
  o.continue_token = "%%%not-base64";
  EXPECT_EQ(f.s().list(cms, "dev1", o).error().code, 400);
  o.continue_token = "eyJ2IjoxfQ==";  // {"v":1}
  EXPECT_EQ(f.s().list(cms, "dev1", o).error().code, 400);
  for (int i = 0; i < 4; ++i)
    f.s().create(cms, "dev2", json{{"metadata", {{"name", "x" + std::to_string(i)}}}}, false).value();
  o.continue_token = page1["metadata"]["continue"];
  auto expired = f.s().list(cms, "dev1", o);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, 410);
  EXPECT_EQ(expired.error().reason, "Expired");
  EXPECT_TRUE(expired.error().message.starts_with("The provided continue parameter is too old"));
}

}  // namespace
}  // namespace kubesim
