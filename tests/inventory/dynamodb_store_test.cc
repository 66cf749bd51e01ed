// dynamodb_store against dynalite (npm) started by the test on an ephemeral port, behind a front that can
// answer part of every BatchWriteItem as UnprocessedItems (tests/inventory/dynalite_front.js).
#include "inventory/dynamodb_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "http/curl_client.h"
#include "inventory/fake_cloud_api.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::inventory {
namespace {

using namespace std::chrono_literals;
using testing::make_resource;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h;

class dynalite_peer {
 public:
  explicit dynalite_peer(const devenv::testing::temp_dir& dir, bool unprocessed)
      : process_({"node", devenv::testing::source_path("tests/inventory/dynalite_front.js").string(),
                  DEVENV_TEST_SOURCE_DIR, (dir.path() / "port").string(),
                  unprocessed ? "--unprocessed" : "--plain"},
                 dir.path() / "dynalite.log") {
    ready_ = process_.wait_for_file(dir.path() / "port");
    if (ready_) port_ = devenv::testing::read_file(dir.path() / "port");
  }
  bool ready() const { return ready_; }
  std::string url() const { return "http://127.0.0.1:" + port_; }
  std::string log() const { return process_.log(); }
  int count(const std::string& target) const {
    const auto text = process_.log();
    int n = 0;
    for (auto pos = text.find(target); pos != std::string::npos; pos = text.find(target, pos + 1)) ++n;
    return n;
  }

 private:
  devenv::testing::child_process process_;
  bool ready_ = false;
  std::string port_;
};

class dynamodb_store_test : public ::testing::Test {
 protected:
  void start(bool unprocessed) {
    peer_ = std::make_unique<dynalite_peer>(dir_, unprocessed);
    ASSERT_TRUE(peer_->ready()) << peer_->log();
    aws::credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt,
                           "test"};
    transport_ =
        std::make_unique<aws::signed_client>(http_, std::make_shared<aws::static_credentials_provider>(creds),
                                             aws::service_endpoint{peer_->url(), "us-east-1", "dynamodb"});
  }

  std::unique_ptr<dynamodb_store> make(bool create = true, int page_size = 100) {
    dynamodb_options options;
    options.table = "devenv-inventory-test";
    options.create_table = create;
    options.page_size = page_size;
    options.backoff = 1ms;
    return std::make_unique<dynamodb_store>(*transport_, options,
                                            [this](std::chrono::milliseconds d) { slept_ += d; });
  }

  static snapshot many(time_point at, int envs, int per_env, std::string state = "running") {
    snapshot s;
    s.refreshed_at = at;
    for (int e = 0; e < envs; ++e) {
      const std::string name = "dev" + std::to_string(e);
      auto& list = s.envs[name];
      for (int i = 0; i < per_env; ++i) {
        char id[32];
        std::snprintf(id, sizeof id, "i-%04d%04d", e, i);
        auto r = make_resource(resource_kind::ec2, id, state, name, "t3.micro");
        r.seen_at = at;
        list.push_back(r);
      }
      auto db =
          make_resource(resource_kind::rds_cluster, "aurora-" + name, "available", name, "aurora-postgresql");
      db.seen_at = at;
      list.push_back(db);
    }
    return s;
  }

  devenv::testing::temp_dir dir_;
  std::unique_ptr<dynalite_peer> peer_;
  http::curl_client http_;
  std::unique_ptr<aws::signed_client> transport_;
  std::chrono::milliseconds slept_{0};
};

TEST_F(dynamodb_store_test, creates_its_table_when_allowed_and_refuses_otherwise) {
  start(false);
  auto forbidden = make(false);
  auto refused = forbidden->load();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::not_found);
  EXPECT_NE(refused.error().message.find("create_table"), std::string::npos);
  EXPECT_EQ(peer_->count("CreateTable"), 0);
  auto store = make(true);
  auto empty = store->load();
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_FALSE(empty->has_value());
  EXPECT_EQ(peer_->count("CreateTable"), 1);
}

TEST_F(dynamodb_store_test, round_trips_many_items_over_small_pages) {
  start(false);
  auto store = make(true, 7);  // small Limit: every environment's Query spans several pages
  const auto first = many(t0, 4, 30);
  ASSERT_TRUE(store->replace(first));
  auto loaded = store->load();
  ASSERT_TRUE(loaded && loaded->has_value()) << (loaded ? "" : loaded.error().message);
  EXPECT_EQ((*loaded)->envs, first.envs);
  EXPECT_EQ((*loaded)->refreshed_at, t0);
  EXPECT_GE(store->stats().pages, 4 * (31 / 7 + 1));
  // A second store (another replica) reads the same snapshot.
  auto other = make(false, 50);
  auto seen = other->load();
  ASSERT_TRUE(seen && seen->has_value());
  EXPECT_EQ((*seen)->size(), first.size());
}

TEST_F(dynamodb_store_test, a_new_refresh_replaces_the_old_and_cleans_it_up) {
  start(false);
  auto store = make(true, 10);
  ASSERT_TRUE(store->replace(many(t0, 3, 12)));
  auto second = many(t0 + 60s, 2, 5, "stopped");
  ASSERT_TRUE(store->replace(second));
  auto loaded = store->load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->envs, second.envs);
  EXPECT_EQ((*loaded)->refreshed_at, t0 + 60s);
  // Older generations were deleted: scanning the table finds only the meta item and the new items.
  aws::aws_request scan;
  scan.headers = {{"content-type", "application/x-amz-json-1.0"}, {"x-amz-target", "DynamoDB_20120810.Scan"}};
  scan.body = R"({"TableName":"devenv-inventory-test","Select":"COUNT"})";
  auto answer = transport_->send(scan);
  ASSERT_TRUE(answer) << answer.error().describe();
  EXPECT_EQ(nlohmann::json::parse(answer->body)["Count"].get<int>(), static_cast<int>(second.size()) + 1);
}

// The common case, every minute: nothing changed in AWS. Only the meta item's refreshed_at is written.
TEST_F(dynamodb_store_test, an_unchanged_refresh_writes_only_the_meta_item) {
  start(false);
  auto store = make(true, 10);
  ASSERT_TRUE(store->replace(many(t0, 3, 12)));
  const auto before = store->stats();
  const auto same = many(t0 + 60s, 3, 12);
  ASSERT_TRUE(store->replace(same));
  const auto after = store->stats();
  EXPECT_EQ(after.requests - before.requests, 2);  // GetItem and PutItem of the meta item
  EXPECT_EQ(after.batch_writes, before.batch_writes);
  EXPECT_EQ(after.unchanged_refreshes, 1);
  auto loaded = store->load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->refreshed_at, t0 + 60s);
  EXPECT_EQ((*loaded)->envs, same.envs);  // seen at the confirming refresh

  // A change (one instance stopped) writes a new generation again.
  auto changed = many(t0 + 120s, 3, 12);
  changed.envs.at("dev1")[0].state = "stopped";
  ASSERT_TRUE(store->replace(changed));
  EXPECT_GT(store->stats().batch_writes, after.batch_writes);
  EXPECT_EQ(store->stats().unchanged_refreshes, 1);
  loaded = store->load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->envs, changed.envs);

  // Another writer (a second store on the same table) took over: the first cannot assume its generation.
  auto other = make(true, 10);
  const auto theirs = many(t0 + 180s, 1, 2);
  ASSERT_TRUE(other->replace(theirs));
  ASSERT_TRUE(store->replace(changed));
  EXPECT_EQ(store->stats().unchanged_refreshes, 1);
  loaded = other->load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->envs.size(), 3u);
}

TEST_F(dynamodb_store_test, unprocessed_items_are_resent_until_all_are_written) {
  start(true);
  auto store = make(true, 100);
  const auto s = many(t0, 2, 40);  // 82 items: four batches, each half refused at first
  auto replaced = store->replace(s);
  ASSERT_TRUE(replaced) << replaced.error().message;
  const auto stats = store->stats();
  EXPECT_GT(stats.unprocessed_retries, 4);
  EXPECT_GT(stats.batch_writes, 4);
  EXPECT_GT(slept_, 0ms);  // it backed off before resending
  auto loaded = store->load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->envs, s.envs);
}

TEST_F(dynamodb_store_test, an_unreachable_endpoint_is_an_error_value) {
  start(false);
  aws::credentials creds{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"};
  aws::signed_client_options fast;
  fast.max_attempts = 1;
  fast.timeout = 2000ms;
  aws::signed_client dead(http_, std::make_shared<aws::static_credentials_provider>(creds),
                          aws::service_endpoint{"http://127.0.0.1:1", "us-east-1", "dynamodb"}, fast);
  dynamodb_store store(dead, dynamodb_options{}, [](std::chrono::milliseconds) {});
  auto r = store.replace(many(t0, 1, 1));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("DynamoDB"), std::string::npos);
}

}  // namespace
}  // namespace devenv::inventory
