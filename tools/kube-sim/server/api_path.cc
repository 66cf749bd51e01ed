#include "server/api_path.h"

#include <vector>

namespace kubesim {
namespace {

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = path.find('/', start);
    const std::string_view segment = path.substr(start, end == std::string_view::npos ? end : end - start);
    if (!segment.empty()) segments.push_back(segment);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return segments;
}

// Subresources of a namespace itself; anything else after /namespaces/<ns>/ is a namespaced resource.
bool is_namespace_subresource(std::string_view segment) {
  return segment == "status" || segment == "finalize";
}

}  // namespace

std::optional<api_path> parse_api_path(std::string_view path) {
  const auto segments = split_segments(path);
  api_path result;
  std::size_t i = 0;
  if (segments.size() >= 2 && segments[0] == "api") {
    result.version = std::string(segments[1]);
    i = 2;
  } else if (segments.size() >= 3 && segments[0] == "apis") {
    result.group = std::string(segments[1]);
    result.version = std::string(segments[2]);
    i = 3;
  } else {
    return std::nullopt;
  }
  const std::size_t rest = segments.size() - i;
  if (rest == 0) return result;
  auto take = [&](std::string& field) {
    if (i < segments.size()) field = std::string(segments[i++]);
  };
  if (segments[i] == "namespaces" && rest >= 3 && !(rest == 3 && is_namespace_subresource(segments[i + 2]))) {
    // /namespaces/<ns>/<resource>[/<name>[/<subresource>]]
    result.ns = std::string(segments[i + 1]);
    i += 2;
    if (segments.size() - i > 3) return std::nullopt;
  } else if (rest > 3) {
    return std::nullopt;
  }
  take(result.resource);
  take(result.name);
  take(result.subresource);
  return result;
}

}  // namespace kubesim
