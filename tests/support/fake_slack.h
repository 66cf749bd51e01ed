// fake_slack: a stand-in for Slack's side of the conversation, on 127.0.0.1:0 — the Web API
// (<base_url>/chat.postMessage, chat.update, chat.postEphemeral, usergroups.users.list) and response_url
// receivers (<url>/response/<id>) — recording every request it receives. Faithful to the protocol parts our client
// relies on: Web API answers are {"ok": ...} JSON (invalid_auth without the expected bearer token), a
// response_url answers "ok". Fault knobs: the next N requests answer 429 with Retry-After, or a 5xx.
//
// Thread-safety: runs its own I/O thread; every public method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/net.h"
#include "http/server.h"

namespace devenv::testing {

class fake_slack {
 public:
  struct post {
    std::string path;                            // "/api/chat.postMessage", "/response/abc"
    std::map<std::string, std::string> headers;  // lower-case names, first value
    std::string body;
    nlohmann::json json;    // the body parsed as JSON (null when it is not JSON)
    unsigned answered = 0;  // the status the fake answered
  };

  explicit fake_slack(std::string bot_token = "xoxb-test-token");
  ~fake_slack();
  fake_slack(const fake_slack&) = delete;
  fake_slack& operator=(const fake_slack&) = delete;

  std::string base_url() const;                           // http://127.0.0.1:<port>/api
  std::string response_url(const std::string& id) const;  // http://127.0.0.1:<port>/response/<id>
  std::string url_prefix() const;                         // http://127.0.0.1:<port>/

  // The next `count` requests (any path) answer 429 with `retry_after` seconds, or `status` (5xx).
  void rate_limit_next(int count, int retry_after_seconds);
  void fail_next(int count, unsigned status);
  // The next `count` requests are answered only after `delay` (a slow Slack).
  void delay_next(int count, std::chrono::milliseconds delay);
  // Members returned by usergroups.users.list for a group id.
  void set_usergroup(const std::string& group_id, std::vector<std::string> members);

  std::vector<post> posts() const;
  std::vector<post> posts_to(const std::string& path) const;
  // Waits (condition variable, with a deadline) until at least `count` requests reached `path`.
  bool wait_for(const std::string& path, std::size_t count,
                std::chrono::milliseconds deadline = std::chrono::seconds(30)) const;

 private:
  http::response handle(http::request& req);
  std::chrono::milliseconds take_delay();

  std::string bot_token_;
  net::io_context io_{1};
  std::unique_ptr<http::server> server_;
  std::thread thread_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<post> posts_;
  struct fault {
    unsigned status;
    int retry_after;
  };
  std::vector<fault> faults_;  // consumed front first
  std::vector<std::chrono::milliseconds> delays_;
  std::map<std::string, std::vector<std::string>> usergroups_;
  std::uint64_t next_ts_ = 1;
};

}  // namespace devenv::testing
