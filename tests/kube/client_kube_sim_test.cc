// The client against the real kube-sim process: TLS with the kubeconfig kube-sim writes, CRUD, merge-patch
// preconditions, pagination, watches and re-watching after kube-sim drops them, and retries under injected
// faults. kube_tests depends on kube-sim, so a missing simulator is a failure, never a skip.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "kube/api_error.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/informer.h"
#include "kube/paths.h"
#include "kube/testing/temp_dir.h"

extern char** environ;

namespace devenv::kube {
namespace {

using namespace std::chrono_literals;

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class KubeSimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* binary_dir = std::getenv("DEVENV_BINARY_DIR");
    if (binary_dir == nullptr) binary_dir = DEVENV_DEFAULT_BINARY_DIR;
    auto binary = std::filesystem::path(binary_dir) / "tools/kube-sim/kube-sim";
    ASSERT_TRUE(std::filesystem::exists(binary)) << "kube-sim is not built: " << binary;

    std::vector<std::string> args = {binary.string(),      "--listen",      "127.0.0.1:0", "--data-dir",
                                     dir_.path().string(), "--ready-delay", "0ms"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    auto log = (dir_.path() / "kube-sim.log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ASSERT_EQ(rc, 0) << "cannot start kube-sim";

    // Poll for the ready file with a deadline; kube-sim writes it once it listens.
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!std::filesystem::exists(dir_.path() / "ready")) {
      int status = 0;
      ASSERT_EQ(waitpid(pid_, &status, WNOHANG), 0) << "kube-sim exited: " << read_text(log);
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "kube-sim not ready: " << read_text(log);
      std::this_thread::sleep_for(20ms);
    }
    auto config = load_kubeconfig(dir_.path() / "kubeconfig");
    ASSERT_TRUE(config) << config.error().message;
    config_ = *config;
    ASSERT_EQ(config_.server.rfind("https://", 0), 0u) << "kube-sim serves TLS by default";
    api_ = std::make_unique<client>(config_, options());
    ASSERT_TRUE(api_->create(collection_path(resource::namespaces), {{"metadata", {{"name", ns_}}}}));
  }

  void TearDown() override {
    api_.reset();
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }

  client_options options() {
    client_options o;
    o.request_timeout = 10s;
    o.qps = 0;
    return o;
  }

  json configmap(const std::string& name, const std::string& team = "a") {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}, {"labels", {{"team", team}}}}},
            {"data", {{"k", "v"}}}};
  }

  testing::temp_dir dir_;
  pid_t pid_ = 0;
  connection_config config_;
  std::unique_ptr<client> api_;
  std::string ns_ = "kc-test";
};

TEST_F(KubeSimTest, CrudAndMergePatchPreconditions) {
  auto path = object_path(resource::configmaps, ns_, "one");
  auto created = api_->create(collection_path(resource::configmaps, ns_), configmap("one"));
  ASSERT_TRUE(created) << created.error().message;
  std::string rv = (*created)["metadata"]["resourceVersion"];

  auto again = api_->create(collection_path(resource::configmaps, ns_), configmap("one"));
  ASSERT_FALSE(again);
  EXPECT_TRUE(is_already_exists(again.error())) << again.error().message;

  auto patched = api_->merge_patch(path, {{"data", {{"k", "v2"}}}}, rv);
  ASSERT_TRUE(patched) << patched.error().message;
  EXPECT_EQ((*patched)["data"]["k"], "v2");
  EXPECT_NE((*patched)["metadata"]["resourceVersion"], rv);

  auto stale = api_->merge_patch(path, {{"data", {{"k", "v3"}}}}, rv);  // rv is now out of date
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, errc::conflict) << stale.error().message;
  EXPECT_FALSE(is_already_exists(stale.error()));

  auto got = api_->get(path);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ((*got)["data"]["k"], "v2");

  ASSERT_TRUE(api_->remove(path));
  auto gone = api_->get(path);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, errc::not_found);

  auto invalid = api_->create(collection_path(resource::configmaps, ns_), configmap("Not_A_Valid_Name"));
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, errc::invalid_argument) << invalid.error().message;
}

TEST_F(KubeSimTest, PaginationWithLimitAndSelectors) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        api_->create(collection_path(resource::configmaps, ns_), configmap("cm" + std::to_string(i))));
  }
  ASSERT_TRUE(api_->create(collection_path(resource::configmaps, ns_), configmap("other", "b")));
  list_options options;
  options.label_selector = "team=a";
  options.limit = 2;
  auto first = api_->list(collection_path(resource::configmaps, ns_), options);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ((*first)["items"].size(), 2u);
  EXPECT_FALSE((*first)["metadata"].value("continue", "").empty());

  auto all = api_->list_all(collection_path(resource::configmaps, ns_), options);
  ASSERT_TRUE(all) << all.error().message;
  std::set<std::string> names;
  for (const auto& item : (*all)["items"]) names.insert(item["metadata"]["name"]);
  EXPECT_EQ(names, (std::set<std::string>{"cm0", "cm1", "cm2", "cm3", "cm4"}));
}

TEST_F(KubeSimTest, WatchSeesChangesAndInformerRewatchesAfterDrop) {
  auto collection = collection_path(resource::configmaps, ns_);
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> log;
  std::atomic<bool> stop{false};
  informer_handlers handlers;
  handlers.on_snapshot = [&](const json& items, const std::string&) {
    std::lock_guard lock(mutex);
    log.push_back("snapshot " + std::to_string(items.size()));
    changed.notify_all();
  };
  handlers.on_event = [&](const watch_event& e) {
    std::lock_guard lock(mutex);
    log.push_back(e.type + " " + e.object["metadata"].value("name", ""));
    changed.notify_all();
  };
  auto wait_for = [&](const std::string& entry) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return std::find(log.begin(), log.end(), entry) != log.end(); });
  };
  client watcher(config_, options());
  std::thread informer([&] { run_informer(watcher, collection, handlers, stop); });

  ASSERT_TRUE(wait_for("snapshot 0"));
  ASSERT_TRUE(api_->create(collection, configmap("w1")));
  EXPECT_TRUE(wait_for("ADDED w1"));

  // kube-sim ends every open watch; the informer must resume and still see later changes.
  auto dropped = api_->create("/_sim/watches/drop", json::object());
  ASSERT_TRUE(dropped) << dropped.error().message;
  EXPECT_GE((*dropped)["dropped"].get<int>(), 1);
  ASSERT_TRUE(api_->merge_patch(object_path(resource::configmaps, ns_, "w1"), {{"data", {{"k", "x"}}}}));
  ASSERT_TRUE(api_->remove(object_path(resource::configmaps, ns_, "w1")));
  EXPECT_TRUE(wait_for("MODIFIED w1"));
  EXPECT_TRUE(wait_for("DELETED w1"));
  stop = true;
  informer.join();
  std::lock_guard lock(mutex);
  // Resumed from the last resourceVersion: no duplicate ADDED after the drop.
  EXPECT_EQ(std::count(log.begin(), log.end(), "ADDED w1"), 1) << ::testing::PrintToString(log);
}

TEST_F(KubeSimTest, RetriesThroughInjectedFaults) {
  auto path = object_path(resource::configmaps, ns_, "f");
  ASSERT_TRUE(api_->create(collection_path(resource::configmaps, ns_), configmap("f")));
  auto faults = api_->create("/_sim/faults", {{"errors", {{"get", {{"rate", 1.0}, {"code", 503}}}}}});
  ASSERT_TRUE(faults) << faults.error().message;

  std::vector<std::chrono::steady_clock::duration> slept;
  int attempts = 0;
  auto o = options();
  o.retry.max_attempts = 3;
  o.sleep = [&](std::chrono::steady_clock::duration d) { slept.push_back(d); };
  o.observer = [&](std::string_view verb, int, std::chrono::nanoseconds) {
    if (verb == "GET") ++attempts;
  };
  client faulty(config_, o);
  auto failed = faulty.get(path);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, errc::unavailable);
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(slept.size(), 2u);

  ASSERT_TRUE(api_->create("/_sim/faults/reset", json::object()));
  EXPECT_TRUE(faulty.get(path));
}

TEST_F(KubeSimTest, RejectsAnUntrustedServerAndABadToken) {
  auto untrusted = config_;
  untrusted.ca_data.clear();
  untrusted.ca_file = "/dev/null";  // trusts nothing
  auto o = options();
  o.retry.max_attempts = 1;
  auto tls_error = client(untrusted, o).get("/api/v1/namespaces");
  ASSERT_FALSE(tls_error);
  EXPECT_NE(tls_error.error().code, errc::not_found);

  auto bad_token = config_;
  bad_token.token = "not-a-token";
  auto denied = client(bad_token, o).get("/api/v1/namespaces");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, errc::unauthorized) << denied.error().message;
}

}  // namespace
}  // namespace devenv::kube
