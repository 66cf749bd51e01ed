// sqlite_store: the inventory in a local SQLite file (the default store: zero set-up). WAL journal so
// readers never wait for the writer; one transaction per refresh, so a crash or an error half-way leaves
// the previous snapshot intact. Schema version in PRAGMA user_version (1):
//   resources(environment, kind, id, type, state, tags JSON, seen_at ms) PRIMARY KEY (environment, kind, id)
//   meta(key PRIMARY KEY, value)  -- refreshed_at (ms since the epoch)
// A file written by a newer schema is refused rather than misread. Thread-safe (one connection, a mutex).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "inventory/inventory_store.h"

struct sqlite3;

namespace devenv::inventory {

class sqlite_store : public inventory_store {
 public:
  // Opens (creating when absent) the database and its schema. ":memory:" works for tests.
  static result<std::unique_ptr<sqlite_store>> open(const std::filesystem::path& file);
  ~sqlite_store() override;
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  result<void> replace(const snapshot& s) override;
  result<std::optional<snapshot>> load() override;

  static constexpr int schema_version = 1;

 private:
  explicit sqlite_store(sqlite3* db) : db_(db) {}
  result<void> exec(const char* sql);

  std::mutex mutex_;
  sqlite3* db_;
};

}  // namespace devenv::inventory
