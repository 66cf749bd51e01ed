#include "inventory/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

namespace devenv::inventory {
namespace {

using std::chrono::milliseconds;

std::int64_t to_ms(time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}
time_point from_ms(std::int64_t ms) {
  return time_point(std::chrono::duration_cast<time_point::duration>(milliseconds(ms)));
}

// Finalizes a statement on every path.
struct statement {
  sqlite3_stmt* s = nullptr;
  ~statement() { sqlite3_finalize(s); }
};

error db_error(sqlite3* db, std::string_view what) {
  return error{errc::unavailable, fmt::format("inventory sqlite: {}: {}", what, sqlite3_errmsg(db))};
}

std::string text_column(sqlite3_stmt* s, int i) {
  const auto* p = sqlite3_column_text(s, i);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(s, i)))
           : std::string();
}

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

}  // namespace

result<std::unique_ptr<sqlite_store>> sqlite_store::open(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return fail(errc::unavailable,
                fmt::format("inventory sqlite: cannot open {}: {}", file.string(), message));
  }
  std::unique_ptr<sqlite_store> store(new sqlite_store(db));
  sqlite3_busy_timeout(db, 5000);  // another process (a standalone cacher) may hold the write lock briefly
  if (auto r = store->exec("PRAGMA journal_mode=WAL"); !r) return tl::unexpected(r.error());
  if (auto r = store->exec("PRAGMA synchronous=NORMAL"); !r) return tl::unexpected(r.error());
  int version = 0;
  {
    statement st;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st.s, nullptr) != SQLITE_OK ||
        sqlite3_step(st.s) != SQLITE_ROW) {
      return tl::unexpected(db_error(db, "reading the schema version"));
    }
    version = sqlite3_column_int(st.s, 0);
  }
  if (version > schema_version) {
    return fail(errc::invalid_argument,
                fmt::format("inventory sqlite: {} has schema version {}, this build knows {}", file.string(),
                            version, schema_version));
  }
  if (version < 1) {
    auto r = store->exec(
        "BEGIN IMMEDIATE;"
        "CREATE TABLE IF NOT EXISTS resources(environment TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT "
        "NULL,"
        " type TEXT NOT NULL, state TEXT NOT NULL, tags TEXT NOT NULL, seen_at INTEGER NOT NULL,"
        " PRIMARY KEY(environment, kind, id));"
        "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "PRAGMA user_version=1;"
        "COMMIT;");
    if (!r) {
      store->exec("ROLLBACK");
      return tl::unexpected(r.error());
    }
  }
  return store;
}

sqlite_store::~sqlite_store() {
  sqlite3_close(db_);
}

result<void> sqlite_store::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    error e{errc::unavailable, fmt::format("inventory sqlite: {}", message ? message : "error")};
    sqlite3_free(message);
    return tl::unexpected(e);
  }
  return {};
}

result<void> sqlite_store::replace(const snapshot& s) {
  std::lock_guard lock(mutex_);
  if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
  auto rollback = [&](error e) -> result<void> {
    exec("ROLLBACK");
    return tl::unexpected(std::move(e));
  };
  if (auto r = exec("DELETE FROM resources"); !r) return rollback(r.error());
  {
    statement st;
    if (sqlite3_prepare_v2(db_, "INSERT INTO resources VALUES(?,?,?,?,?,?,?)", -1, &st.s, nullptr) !=
        SQLITE_OK) {
      return rollback(db_error(db_, "preparing insert"));
    }
    for (const auto& [name, resources] : s.envs) {
      for (const auto& r : resources) {
        sqlite3_reset(st.s);
        bind_text(st.s, 1, name);
        bind_text(st.s, 2, std::string(to_string(r.kind)));
        bind_text(st.s, 3, r.id);
        bind_text(st.s, 4, r.type);
        bind_text(st.s, 5, r.state);
        bind_text(st.s, 6, nlohmann::json(r.tags).dump());
        sqlite3_bind_int64(st.s, 7, to_ms(r.seen_at));
        if (sqlite3_step(st.s) != SQLITE_DONE) {
          return rollback(db_error(db_, fmt::format("storing {} {} of {}", to_string(r.kind), r.id, name)));
        }
      }
    }
  }
  {
    statement st;
    if (sqlite3_prepare_v2(db_, "INSERT OR REPLACE INTO meta VALUES('refreshed_at', ?)", -1, &st.s,
                           nullptr) != SQLITE_OK ||
        (bind_text(st.s, 1, std::to_string(to_ms(s.refreshed_at))), sqlite3_step(st.s) != SQLITE_DONE)) {
      return rollback(db_error(db_, "storing refreshed_at"));
    }
  }
  if (auto r = exec("COMMIT"); !r) return rollback(r.error());
  return {};
}

result<std::optional<snapshot>> sqlite_store::load() {
  std::lock_guard lock(mutex_);
  snapshot out;
  {
    statement st;
    if (sqlite3_prepare_v2(db_, "SELECT value FROM meta WHERE key='refreshed_at'", -1, &st.s, nullptr) !=
        SQLITE_OK) {
      return tl::unexpected(db_error(db_, "reading refreshed_at"));
    }
    const int rc = sqlite3_step(st.s);
    if (rc == SQLITE_DONE) return std::optional<snapshot>();
    if (rc != SQLITE_ROW) return tl::unexpected(db_error(db_, "reading refreshed_at"));
    try {
      out.refreshed_at = from_ms(std::stoll(text_column(st.s, 0)));
    } catch (const std::exception&) {
      return fail(errc::internal, "inventory sqlite: refreshed_at is not a number");
    }
  }
  statement st;
  if (sqlite3_prepare_v2(db_,
                         "SELECT environment, kind, id, type, state, tags, seen_at FROM resources"
                         " ORDER BY environment, kind, id",
                         -1, &st.s, nullptr) != SQLITE_OK) {
    return tl::unexpected(db_error(db_, "reading resources"));
  }
  int rc;
  while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) {
    resource r;
    const auto kind = parse_resource_kind(text_column(st.s, 1));
    if (!kind) continue;  // a kind this build does not know: skip the row, keep the rest
    r.kind = *kind;
    r.id = text_column(st.s, 2);
    r.type = text_column(st.s, 3);
    r.state = text_column(st.s, 4);
    try {
      r.tags = nlohmann::json::parse(text_column(st.s, 5)).get<std::map<std::string, std::string>>();
    } catch (const std::exception&) {
      r.tags.clear();  // tags are informational here; a damaged value must not hide the resource
    }
    r.seen_at = from_ms(sqlite3_column_int64(st.s, 6));
    out.envs[text_column(st.s, 0)].push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return tl::unexpected(db_error(db_, "reading resources"));
  // The order by the text kind differs from the enum order; keep the model's order.
  for (auto& [name, resources] : out.envs) {
    std::sort(resources.begin(), resources.end(), [](const resource& a, const resource& b) {
      return std::tie(a.kind, a.id) < std::tie(b.kind, b.id);
    });
  }
  return std::optional<snapshot>(std::move(out));
}

}  // namespace devenv::inventory
