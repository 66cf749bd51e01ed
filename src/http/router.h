// Maps (method, path pattern) to handlers. Patterns are literal segments and `{name}` captures of one whole
// segment ("/api/v1/environments/{name}/stop"). A path that matches no pattern is 404; one that matches a
// pattern with another method is 405 with an Allow header. Built once at start-up, then read-only: safe to
// use from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace devenv::http {

// Captured `{name}` segments of the matched pattern.
using path_params = std::map<std::string, std::string, std::less<>>;
using routed_handler = std::function<net::awaitable<response>(request&, const path_params&)>;

class router {
 public:
  // `route_name` is the pattern itself; it labels metrics without exploding their cardinality.
  void add(std::string method, std::string pattern, routed_handler on_request);

  struct match {
    const routed_handler* handler = nullptr;  // null: no route (see status)
    path_params params;
    std::string pattern;    // the matched pattern, or "" when none matched
    unsigned status = 200;  // 404 or 405 when handler is null
    std::string allow;      // for 405: the methods the path accepts
  };
  // `raw_path` is still percent-encoded: it is split into segments first and each segment decoded, so an
  // encoded "/" ("..%2Fx") is part of one segment and never changes which route matches.
  match find(std::string_view method, std::string_view raw_path) const;

  // Every (method, pattern) registered, for the OpenAPI completeness test.
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  struct entry {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    routed_handler handler;
  };
  std::vector<entry> entries_;
};

std::vector<std::string> split_path(std::string_view path);

}  // namespace devenv::http
