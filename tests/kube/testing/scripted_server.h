// A real http::server on 127.0.0.1:0 whose answers are scripted per test, recording every request it saw.
// The handler runs on the server's io thread; recorded requests are read by the test thread under a mutex.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/server.h"

namespace devenv::kube::testing {

struct recorded_request {
  std::string method;
  std::string path;
  http::query_map query;
  http::header_map headers;
  std::string body;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  std::string param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? "" : it->second;
  }
};

class scripted_server {
 public:
  // Answers each request with the next scripted response; once the script runs out, `fallback` answers.
  explicit scripted_server(std::shared_ptr<http::tls_context> tls = nullptr) {
    http::server_options options;
    options.tls = std::move(tls);
    server_ = std::make_unique<http::server>(
        io_, options, [this](http::request& req) -> net::awaitable<http::response> {
          std::function<http::response(const recorded_request&)> answer;
          recorded_request copy{req.method, req.path, req.query, req.headers, req.body};
          {
            std::lock_guard lock(mutex_);
            requests_.push_back(copy);
            if (!script_.empty()) {
              answer = std::move(script_.front());
              script_.pop_front();
            } else {
              answer = fallback_;
            }
          }
          if (!answer) co_return http::response::text(500, "unscripted request");
          co_return answer(copy);
        });
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~scripted_server() {
    server_->stop(std::chrono::milliseconds(500));
    thread_.join();
  }

  void then(std::function<http::response(const recorded_request&)> answer) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(answer));
  }
  void then_json(unsigned status, std::string body,
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
    then([=](const recorded_request&) {
      auto r = http::response::json(status, body);
      for (const auto& [k, v] : headers) r.header(k, v);
      return r;
    });
  }
  void otherwise(std::function<http::response(const recorded_request&)> answer) {
    std::lock_guard lock(mutex_);
    fallback_ = std::move(answer);
  }

  std::vector<recorded_request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::string url(const char* scheme = "http") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(server_->port());
  }
  // Read on the io thread, where the server keeps its connection table.
  std::size_t open_connections() {
    std::promise<std::size_t> count;
    net::post(io_, [&] { count.set_value(server_->open_connections()); });
    return count.get_future().get();
  }

 private:
  net::io_context io_;
  std::unique_ptr<http::server> server_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::deque<std::function<http::response(const recorded_request&)>> script_;
  std::function<http::response(const recorded_request&)> fallback_;
  std::vector<recorded_request> requests_;
};

inline std::string status_body(int code, const std::string& reason, const std::string& message) {
  return R"({"kind":"Status","apiVersion":"v1","status":"Failure","code":)" + std::to_string(code) +
         R"(,"reason":")" + reason + R"(","message":")" + message + R"("})";
}

}  // namespace devenv::kube::testing
