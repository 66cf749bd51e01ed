// The record of every request kube-sim answered: time, method, path, query, status, user, latency and the
// Kubernetes verb and resource, kept in a bounded ring (oldest dropped first) and optionally appended to a
// JSON-lines file. Entries are numbered from 0 for the life of the process, so a reader can ask for what
// happened `since` an index it saw before. Not thread-safe: the server uses it from its one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace kubesim {

struct request_record {
  std::chrono::system_clock::time_point time;
  std::string method;
  std::string path;
  std::string query;  // raw query string, without '?'
  unsigned status = 0;
  std::string user;        // authenticated username; "" when the request was not authenticated
  std::string user_agent;  // the User-Agent header: tells apart clients sharing one identity (tests)
  std::chrono::microseconds latency{0};
  std::string verb;       // get, list, watch, create, update, patch, delete, deletecollection; "" otherwise
  std::string api_group;  // Kubernetes coordinates, when the path names a resource
  std::string resource;
  std::string subresource;
  std::string ns;
  std::string name;
};

class request_log {
 public:
  explicit request_log(std::size_t capacity = 100000) : capacity_(capacity) {}

  // Also append every record to `file` as one JSON line; false when the file cannot be opened.
  bool open_file(const std::string& file);

  void add(request_record record);

  // Records with index >= since (and of `user` when given), oldest first, at most `limit`.
  nlohmann::json query(std::uint64_t since, const std::optional<std::string>& user, std::size_t limit) const;

  std::uint64_t next_index() const { return first_index_ + records_.size(); }

  static nlohmann::json to_json(std::uint64_t index, const request_record& record);

 private:
  std::size_t capacity_;
  std::deque<request_record> records_;
  std::uint64_t first_index_ = 0;
  std::unique_ptr<std::ofstream> file_;
};

}  // namespace kubesim
