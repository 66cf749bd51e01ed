#include <gtest/gtest.h>

#include "kube-sim-model/fixture.h"
#include "model/store.h"

namespace kubesim {
namespace {

using testing::deployment;
using testing::kind_of;

std::vector<std::string> drain(watcher& w) {
  std::vector<std::string> out;
  for (const auto& e : w.pending) {
    out.push_back(
        e.type + " " +
        (e.object["metadata"].contains("name") ? e.object["metadata"]["name"].get<std::string>() : ""));
  }
  w.pending.clear();
  return out;
}

class WatchTest : public ::testing::Test, public testing::store_fixture {
 protected:
  const resource_kind& deployments = kind_of("deployments");
};

TEST_F(WatchTest, InitialAddedThenLiveEvents) {
  s().create(deployments, "dev1", deployment("a", 1), false).value();
  s().create(deployments, "dev2", deployment("b", 1), false).value();
  for (const char* rv : {"", "0"}) {
    list_options o;
    o.resource_version = rv;
    auto w = s().watch(deployments, "dev1", o).value();
    EXPECT_EQ(drain(*w), (std::vector<std::string>{"ADDED a"})) << rv;
  }
  auto w = s().watch(deployments, "dev1", {}).value();
  int notified = 0;
  w->notify = [&] { ++notified; };
  drain(*w);
  s().create(deployments, "dev1", deployment("c", 1), false).value();
  s().create(deployments, "dev2", deployment("d", 1), false).value();  // other namespace: not seen
  s().patch(deployments, "dev1", "a", patch_type::merge, R"({"spec":{"replicas":2}})", false).value();
  s().remove(deployments, "dev1", "c", false).value();
  EXPECT_EQ(drain(*w), (std::vector<std::string>{"ADDED c", "MODIFIED a", "DELETED c"}));
  EXPECT_EQ(notified, 3);
}

TEST_F(WatchTest, SelectorTransitionsBecomeAddedAndDeleted) {
  s().create(deployments, "dev1", deployment("a", 1, {{"tier", "front"}}), false).value();
  list_options o;
  o.label_selector = "tier=front";
  auto w = s().watch(deployments, "", o).value();
  EXPECT_EQ(drain(*w), (std::vector<std::string>{"ADDED a"}));
  s().patch(deployments, "dev1", "a", patch_type::merge, R"({"metadata":{"labels":{"tier":"back"}}})", false)
      .value();
  ASSERT_EQ(w->pending.size(), 1u);
  EXPECT_EQ(w->pending[0].object["metadata"]["labels"]["tier"], "front");  // the last state it matched in
  EXPECT_EQ(w->pending[0].object["metadata"]["resourceVersion"], s().current_resource_version());
  EXPECT_EQ(drain(*w), (std::vector<std::string>{"DELETED a"}));
  s().patch(deployments, "dev1", "a", patch_type::merge, R"({"spec":{"replicas":3}})", false).value();
  EXPECT_TRUE(drain(*w).empty());  // changes while not matching are invisible
  s().patch(deployments, "dev1", "a", patch_type::merge, R"({"metadata":{"labels":{"tier":"front"}}})", false)
      .value();
  EXPECT_EQ(drain(*w), (std::vector<std::string>{"ADDED a"}));

  list_options f;
  f.field_selector = "metadata.name=b";
  auto wf = s().watch(deployments, "dev1", f).value();
  s().create(deployments, "dev1", deployment("b", 1), false).value();
  s().create(deployments, "dev1", deployment("c", 1), false).value();
  EXPECT_EQ(drain(*wf), (std::vector<std::string>{"ADDED b"}));
}

TEST_F(WatchTest, ResumesFromResourceVersion) {
  auto a = s().create(deployments, "dev1", deployment("a", 1), false).value();
  s().create(deployments, "dev1", deployment("b", 1), false).value();
  s().remove(deployments, "dev1", "a", false).value();
  list_options o;
  o.resource_version = a["metadata"]["resourceVersion"];
  auto w = s().watch(deployments, "dev1", o).value();
  EXPECT_EQ(drain(*w), (std::vector<std::string>{"ADDED b", "DELETED a"}));
  o.resource_version = s().current_resource_version();
  auto now = s().watch(deployments, "dev1", o).value();
  EXPECT_TRUE(drain(*now).empty());
  o.resource_version = "abc";
  EXPECT_EQ(s().watch(deployments, "dev1", o).error().code, 400);
}

TEST(WatchHistory, TooOldResourceVersionIsGone) {
  store_options options;
  options.watch_history = 4;
  testing::store_fixture f(options);
  const auto& cms = kind_of("configmaps");
  for (int i = 0; i < 10; ++i)
    f.s().create(cms, "dev1", json{{"metadata", {{"name", "c" + std::to_string(i)}}}}, false).value();
  const auto current = std::stoull(f.s().current_resource_version());
  list_options o;
  o.resource_version = std::to_string(current - 4);  // exactly the oldest we can resume after
  auto ok = f.s().watch(cms, "dev1", o);
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)->pending.size(), 4u);
  o.resource_version = std::to_string(current - 5);
  auto gone = f.s().watch(cms, "dev1", o);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, 410);
  EXPECT_EQ(gone.error().reason, "Expired");
  EXPECT_EQ(gone.error().message, "too old resource version: " + std::to_string(current - 5) + " (" +
                                      std::to_string(current - 3) + ")");
}

TEST_F(WatchTest, BookmarksOnlyForWatchesThatAsked) {
  list_options with;
  with.allow_bookmarks = true;
  auto wb = s().watch(deployments, "dev1", with).value();
  auto plain = s().watch(deployments, "dev1", {}).value();
  s().create(kind_of("configmaps"), "dev1", json{{"metadata", {{"name", "x"}}}}, false).value();
  s().send_bookmarks();
  ASSERT_EQ(wb->pending.size(), 1u);
  EXPECT_EQ(wb->pending[0].type, "BOOKMARK");
  EXPECT_EQ(wb->pending[0].object, s().bookmark(deployments));
  EXPECT_EQ(s().bookmark(deployments),
            (json{{"kind", "Deployment"},
                  {"apiVersion", "apps/v1"},
                  {"metadata", {{"resourceVersion", s().current_resource_version()}}}}));
  EXPECT_TRUE(plain->pending.empty());
}

TEST_F(WatchTest, ReleasedWatchersAreDropped) {
  auto w = s().watch(deployments, "dev1", {}).value();
  std::weak_ptr<watcher> weak = w;
  w.reset();
  EXPECT_TRUE(weak.expired());                                         // the store holds no strong reference
  s().create(deployments, "dev1", deployment("a", 1), false).value();  // must not touch the released watch
  auto again = s().watch(deployments, "dev1", {}).value();
  EXPECT_EQ(drain(*again), (std::vector<std::string>{"ADDED a"}));
}

TEST_F(WatchTest, NoOpWritesEmitNothing) {
  s().create(deployments, "dev1", deployment("a", 2), false).value();
  auto w = s().watch(deployments, "dev1", {}).value();
  drain(*w);
  s().patch(deployments, "dev1", "a", patch_type::merge, R"({"spec":{"replicas":2}})", false).value();
  s().patch(deployments, "dev1", "a", patch_type::merge, R"({"spec":{"replicas":3}})", true)
      .value();  // dry run
  EXPECT_TRUE(drain(*w).empty());
}

}  // namespace
}  // namespace kubesim
