// support_service over an in-memory store with error knobs: duplicate, invalid and taken names, unknown
// sizes, the per-person limit (counted by the exact owner, finished pods excluded), stop by owner, admin
// and anyone else, replacing a finished pod, and failures of the store passed through unchanged.
#include "support/support_service.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "core/rfc3339.h"

namespace devenv::support {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

const time_point t0 = *parse_rfc3339("2026-11-27T10:00:00Z");

// Label selectors of the form k=v,k=v, as the service sends them.
bool matches(const json& pod, std::string_view selector) {
  const auto labels = pod["metadata"].value("labels", json::object());
  std::size_t start = 0;
  while (start < selector.size()) {
    auto end = selector.find(',', start);
    if (end == std::string_view::npos) end = selector.size();
    const auto term = selector.substr(start, end - start);
    const auto eq = term.find('=');
    if (labels.value(std::string(term.substr(0, eq)), "") != term.substr(eq + 1)) return false;
    start = end + 1;
  }
  return true;
}

class fake_store : public support_store {
 public:
  result<std::vector<json>> list_pods(std::string_view ns, std::string_view selector) override {
    std::lock_guard lock(mutex_);
    if (fail_next) return take_failure();
    std::vector<json> out;
    for (const auto& [key, pod] : pods) {
      if (key.first == ns && matches(pod, selector)) out.push_back(pod);
    }
    return out;
  }
  result<json> get_pod(std::string_view ns, std::string_view name) override {
    std::lock_guard lock(mutex_);
    if (fail_next) return take_failure();
    const auto it = pods.find({std::string(ns), std::string(name)});
    if (it == pods.end())
      return fail(errc::not_found, "NotFound: pods \"" + std::string(name) + "\" not found");
    return it->second;
  }
  result<json> create_pod(std::string_view ns, const json& pod) override {
    std::lock_guard lock(mutex_);
    if (fail_next) return take_failure();
    json stored_pod = pod;
    const std::string name = pod["metadata"]["name"];
    if (pods.contains({std::string(ns), name})) return fail(errc::conflict, "AlreadyExists: pods");
    stored_pod["metadata"]["creationTimestamp"] = format_rfc3339(server_now);
    stored_pod["status"] = {{"phase", "Pending"}};
    pods[{std::string(ns), name}] = stored_pod;
    ++creates;
    return stored_pod;
  }
  result<void> delete_pod(std::string_view ns, std::string_view name) override {
    std::lock_guard lock(mutex_);
    if (fail_next) return take_failure();
    if (pods.erase({std::string(ns), std::string(name)}) == 0) return fail(errc::not_found, "NotFound");
    ++deletes;
    return {};
  }

  void set_phase(const std::string& name, const std::string& phase) {
    pods[{"devenv-support", name}]["status"]["phase"] = phase;
  }

  std::map<std::pair<std::string, std::string>, json> pods;
  time_point server_now = t0;
  int fail_next = 0;  // the next N calls answer `failure`
  error failure{errc::unavailable, "connection refused"};
  int creates = 0;
  int deletes = 0;

 private:
  tl::unexpected<error> take_failure() {
    --fail_next;
    return tl::unexpected(failure);
  }
  std::mutex mutex_;
};

class SupportService : public ::testing::Test {
 protected:
  SupportService() {
    settings_.admins = {"U0ADMIN"};
    settings_.per_user_limit = 2;
  }
  support_service& service() {
    if (!service_) service_.emplace(store_, settings_, [this] { return now_; });
    return *service_;
  }
  support_settings settings_;
  fake_store store_;
  time_point now_ = t0;
  std::optional<support_service> service_;
};

TEST_F(SupportService, StartCreatesThePodOfTheAskedSize) {
  auto pod = service().start("U0ALICE", "manage1", "xl");
  ASSERT_TRUE(pod) << pod.error().message;
  EXPECT_EQ(pod->name, "manage1");
  EXPECT_EQ(pod->ns, "devenv-support");
  EXPECT_EQ(pod->size, "XL");
  EXPECT_EQ(pod->owner, "U0ALICE");
  EXPECT_EQ(pod->resources.memory_limit, "8Gi");
  EXPECT_EQ(pod->lifetime, 12h);
  EXPECT_EQ(pod->time_left(t0), 12h);
  const auto& stored = store_.pods.at({"devenv-support", "manage1"});
  EXPECT_EQ(stored["spec"]["activeDeadlineSeconds"], 12 * 3600);
  EXPECT_EQ(stored["spec"]["containers"][0]["resources"]["requests"]["memory"], "8Gi");
  auto small = service().start("U0ALICE", "manage2", "");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->size, "S");
}

TEST_F(SupportService, BadInputIsAClearErrorAndChangesNothing) {
  ASSERT_TRUE(service().start("U0BOB", "taken", "S"));
  store_.pods[{"devenv-support", "web"}] = {
      {"metadata",
       {{"name", "web"}, {"namespace", "devenv-support"}, {"creationTimestamp", "2026-11-27T09:00:00Z"}}},
      {"status", {{"phase", "Running"}}}};
  const int before = store_.creates;
  struct row {
    std::string name, size;
    errc code;
    std::string fragment;
  };
  for (const auto& r : std::vector<row>{
           {"Manage_1", "S", errc::invalid_argument, "lowercase letters"},
           {std::string(64, 'a'), "S", errc::invalid_argument, "longer than 63"},
           {"", "S", errc::invalid_argument, "must not be empty"},
           {"manage1", "XXL", errc::invalid_argument, "unknown size 'XXL'; sizes: XS, S, M, L, XL"},
           {"taken", "S", errc::conflict, "support pod 'taken' already exists (owner U0BOB, size S)"},
           {"web", "S", errc::conflict, "is not a support pod"},
       }) {
    SCOPED_TRACE(r.name + " " + r.size);
    auto pod = service().start("U0ALICE", r.name, r.size);
    ASSERT_FALSE(pod);
    EXPECT_EQ(pod.error().code, r.code);
    EXPECT_NE(pod.error().message.find(r.fragment), std::string::npos) << pod.error().message;
  }
  EXPECT_EQ(store_.creates, before);
  EXPECT_EQ(store_.deletes, 0);
}

TEST_F(SupportService, PerUserLimitCountsLivePodsOfThatOwner) {
  ASSERT_TRUE(service().start("U0ALICE", "a1", "S"));
  ASSERT_TRUE(service().start("U0ALICE", "a2", "S"));
  // Another person's pods do not count against Alice, and hers not against them.
  ASSERT_TRUE(service().start("U0BOB", "b1", "S"));
  auto third = service().start("U0ALICE", "a3", "S");
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, errc::forbidden);
  EXPECT_EQ(third.error().message,
            "you already have 2 support pods (a1, a2), the limit per person; stop one first");
  EXPECT_FALSE(store_.pods.contains({"devenv-support", "a3"}));
  // A finished pod no longer counts.
  store_.set_phase("a1", "Failed");
  EXPECT_TRUE(service().start("U0ALICE", "a3", "S"));
  // Owners whose label values collide are told apart by the annotation.
  settings_.per_user_limit = 1;
  service_.reset();
  ASSERT_TRUE(service().start("api:ci", "c1", "S"));
  EXPECT_TRUE(service().start("api.ci", "c2", "S"));
  EXPECT_FALSE(service().start("api:ci", "c3", "S"));
  // 0: no limit.
  settings_.per_user_limit = 0;
  service_.reset();
  EXPECT_TRUE(service().start("U0ALICE", "a4", "S"));
}

TEST_F(SupportService, AFinishedPodIsReplaced) {
  ASSERT_TRUE(service().start("U0BOB", "manage1", "S"));
  store_.set_phase("manage1", "Failed");
  now_ = t0 + 13h;
  store_.server_now = now_;
  auto again = service().start("U0ALICE", "manage1", "M");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->owner, "U0ALICE");
  EXPECT_EQ(again->size, "M");
  EXPECT_EQ(again->created, t0 + 13h);
  EXPECT_EQ(store_.deletes, 1);
}

TEST_F(SupportService, StopIsForTheOwnerAndAdmins) {
  ASSERT_TRUE(service().start("U0ALICE", "a1", "S"));
  ASSERT_TRUE(service().start("U0ALICE", "a2", "S"));
  auto refused = service().stop("U0BOB", "a1");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::forbidden);
  EXPECT_EQ(refused.error().message,
            "support pod 'a1' belongs to U0ALICE; only its owner or an admin may stop it");
  EXPECT_TRUE(store_.pods.contains({"devenv-support", "a1"}));
  auto own = service().stop("U0ALICE", "a1");
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_EQ(own->name, "a1");
  EXPECT_FALSE(store_.pods.contains({"devenv-support", "a1"}));
  EXPECT_TRUE(service().stop("U0ADMIN", "a2"));
  EXPECT_FALSE(store_.pods.contains({"devenv-support", "a2"}));
}

TEST_F(SupportService, StopOfMissingInvalidOrForeignPods) {
  store_.pods[{"devenv-support", "web"}] = {
      {"metadata",
       {{"name", "web"}, {"namespace", "devenv-support"}, {"creationTimestamp", "2026-11-27T09:00:00Z"}}}};
  struct row {
    std::string name;
    errc code;
    std::string fragment;
  };
  for (const auto& r : std::vector<row>{{"nothing", errc::not_found, "support pod 'nothing' does not exist"},
                                        {"web", errc::not_found, "support pod 'web' does not exist"},
                                        {"Bad.Name", errc::invalid_argument, "lowercase letters"}}) {
    SCOPED_TRACE(r.name);
    auto stopped = service().stop("U0ADMIN", r.name);
    ASSERT_FALSE(stopped);
    EXPECT_EQ(stopped.error().code, r.code);
    EXPECT_NE(stopped.error().message.find(r.fragment), std::string::npos) << stopped.error().message;
  }
  EXPECT_TRUE(store_.pods.contains({"devenv-support", "web"}));
}

TEST_F(SupportService, ListShowsSupportPodsByName) {
  ASSERT_TRUE(service().start("U0BOB", "zeta", "XL"));
  store_.server_now = t0 + 5min;
  ASSERT_TRUE(service().start("U0ALICE", "alpha", "XS"));
  store_.pods[{"devenv-support", "web"}] = {
      {"metadata",
       {{"name", "web"}, {"namespace", "devenv-support"}, {"creationTimestamp", "2026-11-27T09:00:00Z"}}}};
  auto pods = service().list();
  ASSERT_TRUE(pods) << pods.error().message;
  ASSERT_EQ(pods->size(), 2u);
  EXPECT_EQ((*pods)[0].name, "alpha");
  EXPECT_EQ((*pods)[0].size, "XS");
  EXPECT_EQ((*pods)[0].owner, "U0ALICE");
  EXPECT_EQ((*pods)[0].age(t0 + 1h), 55min);
  EXPECT_EQ((*pods)[1].name, "zeta");
  EXPECT_EQ((*pods)[1].time_left(t0 + 1h), 11h);
}

TEST_F(SupportService, StoreFailuresPassThrough) {
  store_.failure = {errc::unavailable, "connection refused"};
  for (int call = 0; call < 3; ++call) {
    store_.fail_next = 1;
    result<void> outcome;
    if (call == 0) outcome = service().start("U0ALICE", "a1", "S").map([](auto&&) {});
    if (call == 1) outcome = service().stop("U0ALICE", "a1").map([](auto&&) {});
    if (call == 2) outcome = service().list().map([](auto&&) {});
    ASSERT_FALSE(outcome) << call;
    EXPECT_EQ(outcome.error().code, errc::unavailable);
  }
  EXPECT_TRUE(store_.pods.empty());
}

}  // namespace
}  // namespace devenv::support
