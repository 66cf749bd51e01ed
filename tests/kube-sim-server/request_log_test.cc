#include "server/request_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kubesim {
namespace {

using nlohmann::json;
using namespace std::chrono;

request_record record(std::string user, std::string verb) {
  request_record r;
  r.time = sys_days{year_month_day{year{2026}, month{11}, day{27}}} + hours{12} + milliseconds{7};
  r.method = "GET";
  r.path = "/api/v1/namespaces";
  r.status = 200;
  r.user = std::move(user);
  r.verb = std::move(verb);
  r.resource = "namespaces";
  return r;
}

TEST(RequestLog, FiltersByUserAndSinceAndDropsTheOldest) {
  request_log log(3);
  for (int i = 0; i < 5; ++i) log.add(record(i % 2 == 0 ? "alice" : "bob", "list"));
  EXPECT_EQ(log.next_index(), 5u);
  const json all = log.query(0, std::nullopt, 100);
  ASSERT_EQ(all["items"].size(), 3u);  // capacity 3: entries 2, 3, 4 remain
  EXPECT_EQ(all["items"][0]["index"], 2);
  EXPECT_EQ(all["firstIndex"], 2);
  const json alice = log.query(0, std::string("alice"), 100);
  ASSERT_EQ(alice["items"].size(), 2u);
  EXPECT_EQ(alice["items"][1]["index"], 4);
  EXPECT_EQ(log.query(4, std::nullopt, 100)["items"].size(), 1u);
  EXPECT_EQ(log.query(0, std::nullopt, 1)["items"].size(), 1u);
  EXPECT_EQ(log.query(9, std::nullopt, 100)["items"].size(), 0u);
  const json entry = all["items"][0];
  EXPECT_EQ(entry["time"], "2026-11-27T12:00:00.007Z");
  EXPECT_EQ(entry["verb"], "list");
  EXPECT_EQ(entry["resource"], "namespaces");
}

TEST(RequestLog, AppendsJsonLinesToAFile) {
  const auto file =
      std::filesystem::temp_directory_path() / ("request_log_" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(file);
  {
    request_log log;
    ASSERT_TRUE(log.open_file(file.string()));
    log.add(record("alice", "get"));
    log.add(record("bob", "watch"));
  }
  std::ifstream in(file);
  std::string line;
  std::vector<json> lines;
  while (std::getline(in, line)) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["user"], "bob");
  EXPECT_EQ(lines[1]["index"], 1);
  std::filesystem::remove(file);
  request_log bad;
  EXPECT_FALSE(bad.open_file("/nonexistent-dir/x.jsonl"));
}

}  // namespace
}  // namespace kubesim
