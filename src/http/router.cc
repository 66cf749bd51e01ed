#include "http/router.h"

namespace devenv::http {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    const auto end = path.find('/', i);
    const auto segment = path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (!segment.empty()) out.emplace_back(segment);
    if (end == std::string_view::npos) break;
    i = end;
  }
  return out;
}

void router::add(std::string method, std::string pattern, routed_handler on_request) {
  auto segments = split_path(pattern);
  entries_.push_back(
      entry{std::move(method), std::move(pattern), std::move(segments), std::move(on_request)});
}

router::match router::find(std::string_view method, std::string_view raw_path) const {
  auto segments = split_path(raw_path);
  for (auto& segment : segments) segment = percent_decode(segment, false);
  match result;
  result.status = 404;
  for (const auto& e : entries_) {
    if (e.segments.size() != segments.size()) continue;
    path_params params;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      const auto& want = e.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        params.emplace(want.substr(1, want.size() - 2), segments[i]);
      } else {
        ok = want == segments[i];
      }
    }
    if (!ok) continue;
    if (e.method == method || (method == "HEAD" && e.method == "GET")) {
      result.handler = &e.handler;
      result.params = std::move(params);
      result.pattern = e.pattern;
      result.status = 200;
      return result;
    }
    result.status = 405;
    result.pattern = e.pattern;
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += e.method;
  }
  return result;
}

std::vector<std::pair<std::string, std::string>> router::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : entries_) out.emplace_back(e.method, e.pattern);
  return out;
}

}  // namespace devenv::http
