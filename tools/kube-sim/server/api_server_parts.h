// api_server's private parts, shared by its translation units only: api_server.cc (lifecycle, dispatch,
// reads), api_server_write.cc (writes, admission, TokenRequest), api_server_watch.cc (watch streams) and
// api_server_control.cc (the /kube-sim control endpoint); plus the small request/response helpers
// (api_server_helpers.cc). Not part of kube-sim's server API: include server/api_server.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/api_path.h"
#include "server/api_server.h"
#include "server/table.h"

// GCC 12 with optimisation reports Asio's coroutine frames (allocated and freed by awaitable_frame_base's own
// operator new/delete) as mismatched once a nested coroutine call is inlined: a known false positive
// (-Wmismatched-new-delete), which -Werror would otherwise turn into a build failure.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace kubesim {

namespace http = devenv::http;
using steady = std::chrono::steady_clock;

// Request and response helpers (api_server_helpers.cc).
namespace api_detail {

inline constexpr std::string_view table_content_type = "application/json;as=Table;v=v1;g=meta.k8s.io";
http::response status_response(const api_error& error);
api_error not_found_resource();
api_error unauthorized();
api_error forbidden(std::string_view user, std::string_view what);
bool truthy(std::string_view value);
std::string resource_group(const resource_kind& kind);
// The body of a create/replace: JSON (client-go's default; YAML is for apply patches), or a protobuf v1
// Namespace (kubectl create namespace), which is turned into the same JSON.
result<json> parse_object_body(const http::request& request);
std::optional<patch_type> patch_type_of(std::string_view content_type);
result<std::int64_t> parse_int_param(const http::request& request, std::string_view name);
std::string bearer_token(std::string_view authorization);
// Warnings travel as RFC 7234 warning headers with code 299 and agent "-", as the apiserver sends them and
// kubectl prints them ("Warning: text").
void add_warnings(http::response& response, const std::vector<std::string>& warnings);
// kube-apiserver labels every namespace with its own name (so namespaceSelectors can pick namespaces by
// name) before admission; the label cannot be changed or removed.
void label_namespace_name(json& object, std::string_view name);

}  // namespace api_detail
using namespace api_detail;

// A request's Kubernetes coordinates once the path has been parsed and the kind looked up.
struct api_server::route {
  api_path path;
  const resource_kind* kind = nullptr;
  std::string verb;
};

struct api_server::watch_session {
  watch_session(net::io_context& io, std::uint64_t watch_id) : id(watch_id), timer(io) {}
  // Also reached when the response was never streamed (the client left first): tell the store to forget it.
  ~watch_session() {
    if (events) {
      events->closed = true;
      events->notify = nullptr;
    }
  }
  watch_session(const watch_session&) = delete;
  watch_session& operator=(const watch_session&) = delete;
  std::uint64_t id;
  net::steady_timer timer;
  std::shared_ptr<watcher> events;
  const resource_kind* kind = nullptr;
  response_form form = response_form::object;
  include_object include = include_object::metadata;
  bool bookmarks = false;
  std::optional<std::chrono::seconds> timeout;
  std::uint64_t drop_generation = 0;
  bool dropped = false;
};

}  // namespace kubesim
