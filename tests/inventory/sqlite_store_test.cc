#include "inventory/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "inventory/fake_cloud_api.h"
#include "support/temp_dir.h"

namespace devenv::inventory {
namespace {

using namespace std::chrono_literals;
using testing::make_resource;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h + 123ms;

snapshot sample(time_point at, std::string state = "running") {
  snapshot s;
  s.refreshed_at = at;
  auto ec2 = make_resource(resource_kind::ec2, "i-1", state, "dev1", "t3.micro");
  ec2.tags["Name"] = "web \"quoted\" ü";
  ec2.seen_at = at;
  auto pg = make_resource(resource_kind::rds_instance, "pg-1", "available", "dev1", "db.t3.micro");
  pg.seen_at = at;
  auto aurora = make_resource(resource_kind::rds_cluster, "aurora-2", "stopped", "dev2", "aurora-mysql");
  aurora.seen_at = at - 5s;
  s.envs["dev1"] = {ec2, pg};
  s.envs["dev2"] = {aurora};
  return s;
}

TEST(sqlite_store, empty_database_loads_nothing) {
  devenv::testing::temp_dir dir;
  auto store = sqlite_store::open(dir.path() / "inv.db");
  ASSERT_TRUE(store) << store.error().message;
  auto loaded = (*store)->load();
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->has_value());
}

TEST(sqlite_store, round_trips_and_survives_reopening) {
  devenv::testing::temp_dir dir;
  const auto file = dir.path() / "inv.db";
  {
    auto store = sqlite_store::open(file);
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->replace(sample(t0)));
    auto loaded = (*store)->load();
    ASSERT_TRUE(loaded && loaded->has_value());
    EXPECT_EQ((*loaded)->envs, sample(t0).envs);
    EXPECT_EQ((*loaded)->refreshed_at, t0);
  }
  auto reopened = sqlite_store::open(file);
  ASSERT_TRUE(reopened);
  auto loaded = (*reopened)->load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->envs, sample(t0).envs);
  // A second refresh replaces the first entirely (dev2 is gone, i-1 changed).
  auto next = sample(t0 + 60s, "stopped");
  next.envs.erase("dev2");
  ASSERT_TRUE((*reopened)->replace(next));
  loaded = (*reopened)->load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->envs, next.envs);
  EXPECT_EQ((*loaded)->refreshed_at, t0 + 60s);
}

TEST(sqlite_store, a_failed_refresh_leaves_the_previous_snapshot_whole) {
  devenv::testing::temp_dir dir;
  auto store = sqlite_store::open(dir.path() / "inv.db");
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->replace(sample(t0)));
  // The same resource twice in one environment violates the primary key half-way through the transaction:
  // the rows already inserted and the delete before them must be rolled back.
  auto broken = sample(t0 + 60s, "stopped");
  broken.envs["dev3"] = {make_resource(resource_kind::ec2, "i-9", "running", "dev3"),
                         make_resource(resource_kind::ec2, "i-9", "running", "dev3")};
  auto replaced = (*store)->replace(broken);
  ASSERT_FALSE(replaced);
  EXPECT_NE(replaced.error().message.find("i-9"), std::string::npos) << replaced.error().message;
  auto loaded = (*store)->load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->envs, sample(t0).envs);
  EXPECT_EQ((*loaded)->refreshed_at, t0);
  // And the store is still usable afterwards.
  ASSERT_TRUE((*store)->replace(sample(t0 + 120s)));
}

TEST(sqlite_store, uses_wal_and_refuses_a_newer_schema) {
  devenv::testing::temp_dir dir;
  const auto file = dir.path() / "inv.db";
  ASSERT_TRUE(sqlite_store::open(file));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))), "wal");
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version=2", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto newer = sqlite_store::open(file);
  ASSERT_FALSE(newer);
  EXPECT_NE(newer.error().message.find("schema version 2"), std::string::npos);
}

TEST(sqlite_store, an_unwritable_path_is_an_error_value) {
  auto store = sqlite_store::open("/nonexistent-dir/sub/inv.db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, errc::unavailable);
}

}  // namespace
}  // namespace devenv::inventory
