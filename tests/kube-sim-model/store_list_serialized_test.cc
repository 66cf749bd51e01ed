// store::list_serialized must be the same answer as store::list, as text: same items, metadata, continue
// tokens and errors, for every selector and page.
#include <gtest/gtest.h>

#include "kube-sim-model/fixture.h"
#include "model/store.h"

namespace kubesim {
namespace {

using testing::deployment;
using testing::kind_of;

class ListSerializedTest : public ::testing::Test, public testing::store_fixture {
 protected:
  const resource_kind& deployments = kind_of("deployments");
  const resource_kind& configmaps = kind_of("configmaps");
  const resource_kind& namespaces = kind_of("namespaces");

  // Both forms of one LIST; fails the test when they disagree. Returns the parsed text.
  json both(const resource_kind& kind, std::string_view ns, const list_options& o, const std::string& label) {
    auto tree = s().list(kind, ns, o);
    auto text = s().list_serialized(kind, ns, o);
    EXPECT_EQ(tree.has_value(), text.has_value()) << label;
    if (!tree || !text) {
      if (!tree && !text) {
        EXPECT_EQ(tree.error().code, text.error().code) << label;
        EXPECT_EQ(tree.error().message, text.error().message) << label;
      }
      return json();
    }
    EXPECT_EQ(*text, tree->dump()) << label;
    const json parsed = json::parse(*text);
    EXPECT_EQ(parsed, *tree) << label;
    return parsed;
  }

  void populate() {
    for (const char* ns : {"dev2", "dev1"}) {
      for (int i = 0; i < 5; ++i) {
        const std::string name = "d" + std::to_string(i);
        s().create(deployments, ns,
                   deployment(name, i % 3, {{"app", name}, {"tier", i % 2 ? "back" : "front"}}), false)
            .value();
      }
    }
    s().advance();  // nothing is due yet; status stays as created
    tick(std::chrono::seconds(5));
    s().advance();  // workloads become ready: status.readyReplicas differs per object
  }
};

TEST_F(ListSerializedTest, SameAnswerAsListForSelectorsAndLimits) {
  populate();
  struct row {
    std::string ns;
    std::string labels;
    std::string fields;
    std::int64_t limit;
    std::size_t items;
  };
  const row rows[] = {
      {"", "", "", 0, 10},
      {"dev1", "", "", 0, 5},
      {"dev2", "tier=front", "", 0, 3},
      {"", "app in (d1,d2),tier!=front", "", 0, 2},
      {"", "", "metadata.name=d3", 0, 2},
      {"", "", "metadata.namespace=dev2,metadata.name!=d0", 0, 4},
      {"", "", "spec.replicas=2", 0, 2},  // a path outside metadata: read from the object itself
      {"dev1", "tier=back", "spec.replicas!=0", 0, 1},
      {"", "", "", 3, 3},
      {"", "tier=front", "", 4, 4},
      {"dev1", "", "metadata.name!=d1", 2, 2},
      {"nope", "", "", 0, 0},
      {"", "app=none", "", 2, 0},
  };
  for (const auto& r : rows) {
    list_options o;
    o.label_selector = r.labels;
    o.field_selector = r.fields;
    o.limit = r.limit;
    const std::string label = r.ns + "|" + r.labels + "|" + r.fields + "|" + std::to_string(r.limit);
    const json parsed = both(deployments, r.ns, o, label);
    ASSERT_TRUE(parsed.is_object()) << label;
    EXPECT_EQ(parsed["items"].size(), r.items) << label;
    EXPECT_EQ(parsed["kind"], "DeploymentList") << label;
    EXPECT_EQ(parsed["metadata"]["resourceVersion"], s().current_resource_version()) << label;
    for (const auto& item : parsed["items"]) {
      EXPECT_FALSE(item.contains("apiVersion")) << label;
      EXPECT_FALSE(item.contains("kind")) << label;
    }
  }
  // Cluster-scoped kinds, where metadata.namespace is absent and compares as "".
  for (const char* fields : {"", "metadata.name=dev1", "metadata.namespace=", "status.phase=Active"}) {
    list_options o;
    o.field_selector = fields;
    EXPECT_FALSE(both(namespaces, "", o, fields)["items"].empty()) << fields;
  }
}

TEST_F(ListSerializedTest, SameErrorsAsList) {
  populate();
  list_options bad_labels;
  bad_labels.label_selector = "app in";
  list_options bad_fields;
  bad_fields.field_selector = "metadata.name";
  list_options bad_limit;
  bad_limit.limit = -1;
  list_options bad_token;
  bad_token.continue_token = "%%%not-base64";
  for (const auto* o : {&bad_labels, &bad_fields, &bad_limit, &bad_token}) {
    auto text = s().list_serialized(deployments, "", *o);
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().code, 400);
    both(deployments, "", *o, "error");
  }
}

// Paging through a snapshot while the collection changes: every page, token and count as list() gives it.
TEST_F(ListSerializedTest, PagesThroughASnapshotWithConcurrentWrites) {
  for (int i = 0; i < 9; ++i) {
    s().create(configmaps, "dev1",
               json{{"metadata", {{"name", "cm" + std::to_string(i)}}}, {"data", {{"i", "x"}}}}, false)
        .value();
  }
  auto w = s().watch(configmaps, "dev1", {}).value();  // a live watch shares the stored objects
  list_options o;
  o.limit = 2;
  json page = both(configmaps, "dev1", o, "page 1");
  ASSERT_TRUE(page["metadata"].contains("continue"));
  EXPECT_EQ(page["metadata"]["remainingItemCount"], 7);
  const std::string snapshot = page["metadata"]["resourceVersion"];
  std::vector<std::string> names;
  int round = 0;
  while (true) {
    for (const auto& item : page["items"]) {
      names.push_back(item["metadata"]["name"]);
      EXPECT_EQ(item["data"], (json{{"i", "x"}})) << item;  // as at the snapshot
    }
    if (!page["metadata"].contains("continue")) break;
    // Writes between pages: ahead of the cursor and behind it.
    const std::string n = std::to_string(round++);
    s().create(configmaps, "dev1", json{{"metadata", {{"name", "new" + n}}}}, false).value();
    s().patch(configmaps, "dev1", "cm" + std::to_string(8 - round), patch_type::merge,
              R"({"data":{"i":"changed"}})", false)
        .value();
    s().remove(configmaps, "dev1", "cm" + std::to_string(round), false).value();
    o.continue_token = page["metadata"]["continue"];
    page = both(configmaps, "dev1", o, "page " + std::to_string(round + 1));
    ASSERT_TRUE(page.is_object());
    EXPECT_EQ(page["metadata"]["resourceVersion"], snapshot);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"cm0", "cm1", "cm2", "cm3", "cm4", "cm5", "cm6", "cm7", "cm8"}));
  EXPECT_GT(round, 3);
  // The watch saw every write of the rounds, after the 9 initial objects.
  EXPECT_EQ(w->pending.size(), 9u + 3u * static_cast<std::size_t>(round));
  // And the current state now differs from the snapshot.
  list_options now;
  const json current = both(configmaps, "dev1", now, "now");
  EXPECT_EQ(current["items"].size(), 9u);  // round creates, round deletes
}

TEST(ListSerializedPagination, ExpiredTokenIsGone) {
  store_options options;
  options.watch_history = 3;
  testing::store_fixture f(options);
  const auto& cms = kind_of("configmaps");
  for (int i = 0; i < 4; ++i)
    f.s().create(cms, "dev1", json{{"metadata", {{"name", "c" + std::to_string(i)}}}}, false).value();
  list_options o;
  o.limit = 2;
  auto first = f.s().list_serialized(cms, "dev1", o);
  ASSERT_TRUE(first);
  for (int i = 0; i < 4; ++i)
    f.s().create(cms, "dev2", json{{"metadata", {{"name", "x" + std::to_string(i)}}}}, false).value();
  o.continue_token = json::parse(*first)["metadata"]["continue"];
  auto expired = f.s().list_serialized(cms, "dev1", o);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, 410);
  EXPECT_EQ(expired.error().reason, "Expired");
}

}  // namespace
}  // namespace kubesim
