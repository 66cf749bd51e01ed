#include "support/fake_slack.h"

namespace devenv::testing {

fake_slack::fake_slack(std::string bot_token) : bot_token_(std::move(bot_token)) {
  http::server_options options;
  options.address = "127.0.0.1";
  options.port = 0;
  server_ = std::make_unique<http::server>(io_, options,
                                           [this](http::request& req) -> net::awaitable<http::response> {
                                             const auto delay = take_delay();
                                             if (delay.count() > 0) {
                                               auto executor = co_await net::this_coro::executor;
                                               net::steady_timer timer(executor, delay);
                                               co_await timer.async_wait(net::use_awaitable);
                                             }
                                             co_return handle(req);
                                           });
  server_->start();
  thread_ = std::thread([this] { io_.run(); });
}

fake_slack::~fake_slack() {
  net::post(io_, [this] { server_->stop(std::chrono::milliseconds(100)); });
  thread_.join();
}

std::string fake_slack::url_prefix() const {
  return "http://127.0.0.1:" + std::to_string(server_->port()) + "/";
}
std::string fake_slack::base_url() const {
  return url_prefix() + "api";
}
std::string fake_slack::response_url(const std::string& id) const {
  return url_prefix() + "response/" + id;
}

void fake_slack::rate_limit_next(int count, int retry_after_seconds) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < count; ++i) faults_.push_back({429, retry_after_seconds});
}

void fake_slack::fail_next(int count, unsigned status) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < count; ++i) faults_.push_back({status, -1});
}

void fake_slack::delay_next(int count, std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < count; ++i) delays_.push_back(delay);
}

std::chrono::milliseconds fake_slack::take_delay() {
  std::lock_guard lock(mutex_);
  if (delays_.empty()) return std::chrono::milliseconds(0);
  const auto d = delays_.front();
  delays_.erase(delays_.begin());
  return d;
}

void fake_slack::set_usergroup(const std::string& group_id, std::vector<std::string> members) {
  std::lock_guard lock(mutex_);
  usergroups_[group_id] = std::move(members);
}

std::vector<fake_slack::post> fake_slack::posts() const {
  std::lock_guard lock(mutex_);
  return posts_;
}

std::vector<fake_slack::post> fake_slack::posts_to(const std::string& path) const {
  std::lock_guard lock(mutex_);
  std::vector<post> out;
  for (const auto& p : posts_) {
    if (p.path == path || (path.back() == '*' && p.path.rfind(path.substr(0, path.size() - 1), 0) == 0)) {
      out.push_back(p);
    }
  }
  return out;
}

bool fake_slack::wait_for(const std::string& path, std::size_t count,
                          std::chrono::milliseconds deadline) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, deadline, [&] {
    std::size_t n = 0;
    for (const auto& p : posts_) n += p.path == path ? 1 : 0;
    return n >= count;
  });
}

http::response fake_slack::handle(http::request& req) {
  post p;
  p.path = req.path;
  for (const auto& [k, v] : req.headers) p.headers.emplace(k, v);
  p.body = req.body;
  p.json = nlohmann::json::parse(req.body, nullptr, false);
  if (p.json.is_discarded()) p.json = nullptr;

  http::response out;
  {
    std::lock_guard lock(mutex_);
    if (!faults_.empty()) {
      const auto f = faults_.front();
      faults_.erase(faults_.begin());
      out = http::response::json(f.status, f.status == 429 ? R"({"ok":false,"error":"ratelimited"})"
                                                           : R"({"ok":false,"error":"internal_error"})");
      if (f.retry_after >= 0) out.header("Retry-After", std::to_string(f.retry_after));
    } else if (req.method != "POST") {
      out = http::response::text(405, "method_not_allowed");
    } else if (p.path.rfind("/response/", 0) == 0) {
      out = http::response::text(200, "ok");
    } else if (p.path.rfind("/api/", 0) == 0) {
      const std::string method = p.path.substr(5);
      nlohmann::json answer;
      if (req.header("authorization") != "Bearer " + bot_token_) {
        answer = {{"ok", false}, {"error", "invalid_auth"}};
      } else if (method == "chat.postMessage") {
        answer = {{"ok", true},
                  {"channel", p.json.is_object() ? p.json.value("channel", "") : ""},
                  {"ts", "1700000000." + std::to_string(next_ts_++)}};
      } else if (method == "chat.update") {
        // Slack answers with the channel and ts of the message it updated.
        const auto field = [&](const char* key) {
          return p.json.is_object() && p.json.contains(key) && p.json[key].is_string()
                     ? p.json[key].get<std::string>()
                     : std::string();
        };
        if (field("channel").empty() || field("ts").empty()) {
          answer = {{"ok", false}, {"error", "message_not_found"}};
        } else {
          answer = {
              {"ok", true}, {"channel", field("channel")}, {"ts", field("ts")}, {"text", field("text")}};
        }
      } else if (method == "chat.postEphemeral") {
        answer = {{"ok", true}, {"message_ts", "1700000000." + std::to_string(next_ts_++)}};
      } else if (method == "usergroups.users.list") {
        // Form arguments, as Slack documents for this method.
        const auto pos = req.body.find("usergroup=");
        const auto id =
            pos == std::string::npos ? "" : req.body.substr(pos + 10, req.body.find('&', pos) - pos - 10);
        if (auto it = usergroups_.find(id); it != usergroups_.end()) {
          answer = {{"ok", true}, {"users", it->second}};
        } else {
          answer = {{"ok", false}, {"error", "no_such_subteam"}};
        }
      } else {
        answer = {{"ok", false}, {"error", "unknown_method"}};
      }
      out = http::response::json(200, answer.dump());
    } else {
      out = http::response::text(404, "not found");
    }
    p.answered = out.status;
    posts_.push_back(std::move(p));
  }
  changed_.notify_all();
  return out;
}

}  // namespace devenv::testing
