#include "server/api_server.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "core/rfc3339.h"
#include "server/api_path.h"
#include "server/discovery.h"
#include "server/protobuf_body.h"
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

namespace {

constexpr std::string_view table_content_type = "application/json;as=Table;v=v1;g=meta.k8s.io";

http::response status_response(const api_error& error) {
  auto response = http::response::json(static_cast<unsigned>(error.code), error.to_status().dump());
  return response;
}

api_error not_found_resource() {
  return api_error{404, "NotFound", "the server could not find the requested resource", json::object()};
}

api_error unauthorized() {
  return api_error{401, "Unauthorized", "Unauthorized", json::object()};
}

api_error forbidden(std::string_view user, std::string_view what) {
  return api_error{403, "Forbidden", "User \"" + std::string(user) + "\" cannot " + std::string(what),
                   json::object()};
}

bool truthy(std::string_view value) {
  return value == "true" || value == "1";
}

std::string resource_group(const resource_kind& kind) {
  return kind.group.empty() ? kind.resource : kind.resource + "." + kind.group;
}

// The body of a create/replace: JSON (client-go's default; YAML is for apply patches), or a protobuf v1
// Namespace (kubectl create namespace), which is turned into the same JSON.
result<json> parse_object_body(const http::request& request) {
  const std::string_view type = request.header("content-type");
  if (is_protobuf_content_type(type)) return decode_protobuf_object(request.body);
  if (!type.empty() && type.find("application/json") == std::string_view::npos &&
      type.find("*/*") == std::string_view::npos)
    return tl::unexpected(api_error::unsupported_media_type(type));
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded())
    return tl::unexpected(api_error::bad_request("the body of the request was not valid JSON"));
  if (!body.is_object())
    return tl::unexpected(api_error::bad_request("the body of the request must be a JSON object"));
  return body;
}

std::optional<patch_type> patch_type_of(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (type == "application/merge-patch+json") return patch_type::merge;
  if (type == "application/strategic-merge-patch+json") return patch_type::strategic_merge;
  if (type == "application/json-patch+json") return patch_type::json_patch;
  if (type == "application/apply-patch+yaml") return patch_type::apply;
  return std::nullopt;
}

result<std::int64_t> parse_int_param(const http::request& request, std::string_view name) {
  const std::string value(request.query_param(name));
  if (value.empty()) return 0;
  try {
    std::size_t used = 0;
    const long long parsed = std::stoll(value, &used);
    if (used != value.size() || parsed < 0) throw std::invalid_argument(value);
    return parsed;
  } catch (const std::exception&) {
    return tl::unexpected(api_error::bad_request("invalid value for " + std::string(name) + ": " + value));
  }
}

std::string bearer_token(std::string_view authorization) {
  if (authorization.size() < 7) return "";
  std::string scheme(authorization.substr(0, 7));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (scheme != "bearer ") return "";
  std::string_view token = authorization.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return std::string(token);
}

// Warnings travel as RFC 7234 warning headers with code 299 and agent "-", as the apiserver sends them and
// kubectl prints them ("Warning: text").
void add_warnings(http::response& response, const std::vector<std::string>& warnings) {
  for (const auto& text : warnings) {
    std::string quoted;
    for (const char c : text) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    response.header("Warning", "299 - \"" + quoted + "\"");
  }
}

// kube-apiserver labels every namespace with its own name (so namespaceSelectors can pick namespaces by
// name) before admission; the label cannot be changed or removed.
void label_namespace_name(json& object, std::string_view name) {
  if (name.empty()) return;
  json& meta = object["metadata"];
  if (!meta.contains("labels") || !meta["labels"].is_object()) meta["labels"] = json::object();
  meta["labels"]["kubernetes.io/metadata.name"] = name;
}

}  // namespace

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

api_server::api_server(net::io_context& io, api_server_options options, clock_fn clock)
    : io_(io),
      options_(options),
      clock_(std::move(clock)),
      store_(options.store, clock_),
      faults_(options.fault_seed),
      log_(options.request_log_capacity),
      webhooks_(store_, options.webhooks),
      advance_timer_(io),
      alive_(std::make_shared<bool>(true)) {
  // The namespaces every cluster starts with.
  if (const resource_kind* ns_kind = find_kind("", "v1", "namespaces")) {
    for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      json object = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
      label_namespace_name(object, name);
      (void)store_.create(*ns_kind, "", std::move(object), false);
    }
  }
}

api_server::~api_server() {
  *alive_ = false;
  for (auto& [id, weak] : watches_) {
    if (auto session = weak.lock()) session->events->notify = nullptr;
  }
}

http::handler api_server::handler() {
  return [this](http::request& request) { return handle(request); };
}

void api_server::start() {
  net::co_spawn(io_, advance_loop(), [](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "kube-sim: workload timer failed: %s\n", e.what());
    }
  });
}

void api_server::stop() {
  stopped_ = true;
  advance_timer_.cancel();
  drop_watches();
}

void api_server::drop_watches() {
  for (auto& [id, weak] : watches_) {
    if (auto session = weak.lock()) {
      session->dropped = true;
      session->timer.cancel();
    }
  }
}

net::awaitable<void> api_server::advance_loop() {
  auto alive = alive_;
  while (*alive && !stopped_) {
    std::chrono::milliseconds wait = options_.advance_interval;
    try {
      if (const auto next = store_.advance()) {
        const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_());
        wait = std::clamp(until, std::chrono::milliseconds(1), options_.advance_interval);
      }
    } catch (const std::exception& e) {
      // A bug in the model must not stop the simulation: log it and keep ticking.
      std::fprintf(stderr, "kube-sim: advance failed: %s\n", e.what());
    }
    advance_timer_.expires_after(wait);
    boost::system::error_code ec;
    co_await advance_timer_.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
}

net::awaitable<http::response> api_server::handle(http::request& request) {
  auto alive = alive_;
  const auto started = steady::now();
  request_record record;
  record.time = clock_();
  record.method = request.method;
  record.path = request.path;
  record.user_agent = request.header("user-agent");
  if (const auto q = request.target.find('?'); q != std::string::npos)
    record.query = request.target.substr(q + 1);
  http::response response;
  try {
    response = co_await dispatch(request, record);
  } catch (const std::exception& e) {
    response = status_response(api_error{500, "InternalError",
                                         std::string("an error on the server (\"") + e.what() +
                                             "\") has prevented the request from succeeding",
                                         json::object()});
  }
  if (!*alive) co_return response;
  record.status = response.status;
  record.latency = std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - started);
  if (options_.verbose) {
    std::fprintf(stderr, "%s %s%s%s %u %s %.1fms\n", record.method.c_str(), record.path.c_str(),
                 record.query.empty() ? "" : "?", record.query.c_str(), record.status,
                 record.user.empty() ? "-" : record.user.c_str(),
                 static_cast<double>(record.latency.count()) / 1000.0);
  }
  log_.add(std::move(record));
  co_return response;
}

net::awaitable<http::response> api_server::dispatch(http::request& request, request_record& record) {
  const std::string& path = request.path;
  if (path == "/healthz" || path == "/livez" || path == "/readyz") co_return http::response::text(200, "ok");

  // Coordinates first, so even a refused request is logged with what it tried to do.
  std::optional<route> r;
  if (auto parsed = parse_api_path(path)) {
    route candidate;
    candidate.path = std::move(*parsed);
    candidate.kind =
        candidate.path.resource.empty()
            ? nullptr
            : find_served_kind(candidate.path.group, candidate.path.version, candidate.path.resource);
    const bool collection = candidate.path.is_collection();
    if (request.method == "GET") {
      candidate.verb = truthy(request.query_param("watch")) ? "watch" : (collection ? "list" : "get");
    } else if (request.method == "POST") {
      candidate.verb = "create";
    } else if (request.method == "PUT") {
      candidate.verb = "update";
    } else if (request.method == "PATCH") {
      candidate.verb = "patch";
    } else if (request.method == "DELETE") {
      candidate.verb = collection ? "deletecollection" : "delete";
    }
    record.api_group = candidate.path.group;
    record.resource = candidate.path.resource;
    record.subresource = candidate.path.subresource;
    record.ns = candidate.path.ns;
    record.name = candidate.path.name;
    r = std::move(candidate);
  }
  if (r && !r->path.resource.empty()) {
    record.verb = r->verb;
  } else {
    std::string verb = request.method;
    std::transform(verb.begin(), verb.end(), verb.begin(), [](unsigned char c) { return std::tolower(c); });
    record.verb = verb;  // non-resource requests: RBAC uses the lower-cased HTTP method
  }

  const bool anonymous = request.header("authorization").empty() && options_.anonymous_user.has_value();
  const auto user =
      anonymous ? options_.anonymous_user
                : authenticator_.authenticate(bearer_token(request.header("authorization")), clock_());
  if (!user) co_return status_response(unauthorized());
  record.user = user->username;

  if (path == "/_sim" || path.starts_with("/_sim/")) co_return serve_control(request, *user);

  const auto decision = faults_.decide(record.verb, path);
  if (decision.latency.count() > 0) {
    net::steady_timer delay(io_, decision.latency);
    boost::system::error_code ec;
    co_await delay.async_wait(net::redirect_error(net::use_awaitable, ec));
  }
  // Error faults hit API calls, not discovery: a client must be able to start in order to be tested.
  if (decision.error && r && r->kind) {
    api_error error = *decision.error;
    if (error.code == 409)
      error =
          api_error::conflict(resource_group(*r->kind), r->path.name,
                              "the object has been modified; please apply your changes to the latest version "
                              "and try again");
    auto response = status_response(error);
    if (decision.retry_after) response.header("Retry-After", std::to_string(decision.retry_after->count()));
    co_return response;
  }

  if (!r || r->path.resource.empty()) co_return serve_non_resource(request);
  co_return co_await serve_resource(request, *r, *user);
}

http::response api_server::serve_non_resource(http::request& request) {
  if (request.method != "GET")
    return status_response(
        api_error::method_not_allowed("the server does not allow this method on the requested resource"));
  const std::string& path = request.path;
  const auto& kinds = served_kinds();
  auto ok = [](const json& body) { return http::response::json(200, body.dump()); };
  if (path == "/version" || path == "/version/") return ok(version_info());
  if (path == "/api" || path == "/api/") return ok(api_versions(kinds));
  if (path == "/apis" || path == "/apis/") return ok(api_group_list(kinds));
  if (path == "/openapi/v3" || path == "/openapi/v3/") return ok(openapi_v3_root(kinds));
  if (path.starts_with("/openapi/v3/")) {
    if (auto parsed = parse_api_path(path.substr(std::string_view("/openapi/v3").size()))) {
      if (parsed->resource.empty()) {
        if (auto doc = openapi_v3_group_version(kinds, parsed->group, parsed->version)) return ok(*doc);
      }
    }
    return status_response(not_found_resource());
  }
  if (auto parsed = parse_api_path(path); parsed && parsed->resource.empty()) {
    if (auto list = api_resource_list(kinds, parsed->group, parsed->version)) return ok(*list);
  }
  // /apis/<group> alone
  if (path.starts_with("/apis/")) {
    std::string_view group = std::string_view(path).substr(6);
    if (!group.empty() && group.back() == '/') group.remove_suffix(1);
    if (group.find('/') == std::string_view::npos) {
      if (auto g = api_group(kinds, group)) return ok(*g);
    }
  }
  // /openapi/v2 deliberately answers 404: kubectl then falls back to its compiled-in types, which is all a
  // simulator can offer (see README).
  return status_response(not_found_resource());
}

http::response api_server::render(unsigned status, const route& r, const http::request& request,
                                  const json& body) const {
  switch (negotiate_form(request.header("accept"))) {
    case response_form::table: {
      auto response = http::response::text(
          status,
          to_table(*r.kind, body, parse_include_object(request.query_param("includeObject")), clock_())
              .dump(),
          std::string(table_content_type));
      return response;
    }
    case response_form::partial_metadata:
      return http::response::text(status, to_partial_metadata(body).dump(),
                                  "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io");
    case response_form::object:
      break;
  }
  return http::response::json(status, body.dump());
}

net::awaitable<http::response> api_server::serve_resource(http::request& request, const route& r,
                                                          const user_info& user) {
  const resource_kind* kind = r.kind;
  const api_path& p = r.path;
  if (kind == nullptr) co_return status_response(not_found_resource());
  if (!p.subresource.empty() && !kind->has_subresource(p.subresource))
    co_return status_response(not_found_resource());
  // Scope: cluster-scoped kinds never live in a namespace; namespaced items always do.
  if (!kind->namespaced && !p.ns.empty()) co_return status_response(not_found_resource());
  if (kind->namespaced && p.ns.empty() && (!p.is_collection() || request.method != "GET"))
    co_return status_response(not_found_resource());
  if (r.verb.empty())
    co_return status_response(
        api_error::method_not_allowed("the server does not allow this method on the requested resource"));
  if (std::find(kind->verbs.begin(), kind->verbs.end(), r.verb) == kind->verbs.end() && p.subresource.empty())
    co_return status_response(
        api_error::method_not_allowed("the server does not allow this method on the requested resource"));

  if (kind->group == "authentication.k8s.io" && kind->resource == "tokenreviews") {
    json body;
    if (auto parsed = parse_object_body(request); parsed) {
      body = std::move(*parsed);
    } else {
      co_return status_response(parsed.error());
    }
    auto reviewed = authenticator_.review(body, clock_());
    if (!reviewed) co_return status_response(reviewed.error());
    co_return http::response::json(201, reviewed->dump());
  }
  if (p.subresource == "token" && kind->resource == "serviceaccounts") {
    if (request.method != "POST")
      co_return status_response(
          api_error::method_not_allowed("the server does not allow this method on the requested resource"));
    co_return serve_token_request(request, r);
  }

  const bool dry_run = request.query_param("dryRun") == "All";
  if (request.method == "GET") {
    list_options options;
    options.label_selector = std::string(request.query_param("labelSelector"));
    options.field_selector = std::string(request.query_param("fieldSelector"));
    options.continue_token = std::string(request.query_param("continue"));
    options.resource_version = std::string(request.query_param("resourceVersion"));
    options.allow_bookmarks = truthy(request.query_param("allowWatchBookmarks"));
    auto limit = parse_int_param(request, "limit");
    if (!limit) co_return status_response(limit.error());
    options.limit = *limit;
    if (r.verb == "watch") {
      if (!p.subresource.empty())
        co_return status_response(api_error::method_not_allowed("watch is not supported on subresources"));
      if (!p.name.empty()) {
        // A watch on an item is a watch on its collection narrowed to that name, as kube-apiserver does it.
        const std::string by_name = "metadata.name=" + p.name;
        options.field_selector =
            options.field_selector.empty() ? by_name : options.field_selector + "," + by_name;
      }
      co_return start_watch(request, r, std::move(options));
    }
    if (!p.subresource.empty()) {
      auto object = store_.get_subresource(*kind, p.ns, p.name, p.subresource);
      if (!object) co_return status_response(object.error());
      co_return http::response::json(200, object->dump());
    }
    if (p.is_collection() && negotiate_form(request.header("accept")) == response_form::object) {
      // Plain LISTs are joined from the stored JSON text without building a tree per object.
      auto text = store_.list_serialized(*kind, p.ns, options);
      if (!text) co_return status_response(text.error());
      co_return http::response::json(200, std::move(*text));
    }
    auto body = p.is_collection() ? store_.list(*kind, p.ns, options) : store_.get(*kind, p.ns, p.name);
    if (!body) co_return status_response(body.error());
    co_return render(200, r, request, *body);
  }
  co_return co_await serve_write(request, r, user, dry_run);
}

net::awaitable<http::response> api_server::serve_write(http::request& request, const route& r,
                                                       const user_info& user, bool dry_run) {
  const resource_kind& kind = *r.kind;
  const api_path& p = r.path;
  // Without any hook or configuration a namespace write takes the direct path (a patch stays a patch).
  const bool is_namespace = kind.group.empty() && kind.resource == "namespaces" && p.subresource.empty();
  const bool admitted_kind = is_namespace && (namespace_admission_ || webhooks_.any_configured());
  const std::string field_manager(request.query_param("fieldManager"));
  std::vector<std::string> warnings;  // from admission webhooks, sent back whatever the outcome
  auto respond = [&](unsigned code, const result<json>& outcome) {
    auto response = outcome ? render(code, r, request, *outcome) : status_response(outcome.error());
    add_warnings(response, warnings);
    return response;
  };

  if (request.method == "POST") {
    if (!p.is_collection() || !p.subresource.empty())
      co_return status_response(
          api_error::method_not_allowed("the server does not allow this method on the requested resource"));
    auto body = parse_object_body(request);
    if (!body) co_return status_response(body.error());
    json& object = *body;
    if (object.contains("kind") && object["kind"] != kind.kind)
      co_return status_response(
          api_error::bad_request("the kind of the provided object (" + object["kind"].dump() +
                                 ") does not match the resource " + resource_group(kind)));
    object["kind"] = kind.kind;
    if (!object.contains("apiVersion")) object["apiVersion"] = kind.api_version();
    if (!object.contains("metadata") || !object["metadata"].is_object()) object["metadata"] = json::object();
    if (kind.namespaced) {
      json& meta = object["metadata"];
      if (meta.contains("namespace") && meta["namespace"].is_string() &&
          !meta["namespace"].get<std::string>().empty() && meta["namespace"] != p.ns)
        co_return status_response(api_error::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request"));
      meta["namespace"] = p.ns;
    }
    if (is_namespace) label_namespace_name(object, object["metadata"].value("name", ""));
    if (admitted_kind) {
      // A named value, not a temporary: GCC 12 destroys temporaries of a co_await expression twice when the
      // coroutine really suspends (as it does while a webhook is called).
      const admission_attributes attributes{"CREATE", &kind,        object["metadata"].value("name", ""),
                                            object,   nullptr,      dry_run,
                                            user,     field_manager};
      auto admitted = co_await admit(attributes);
      warnings = std::move(admitted.warnings);
      if (!admitted.object) co_return respond(0, admitted.object);
      object = std::move(*admitted.object);
    }
    co_return respond(201, store_.create(kind, p.ns, std::move(object), dry_run));
  }

  if (p.is_collection()) {
    if (request.method != "DELETE")
      co_return status_response(
          api_error::method_not_allowed("the server does not allow this method on the requested resource"));
    // deletecollection: every object the selectors match; answers with the list of what was removed.
    list_options options;
    options.label_selector = std::string(request.query_param("labelSelector"));
    options.field_selector = std::string(request.query_param("fieldSelector"));
    auto listed = store_.list(kind, p.ns, options);
    if (!listed) co_return status_response(listed.error());
    json removed = *listed;
    removed["items"] = json::array();
    for (const auto& item : (*listed)["items"]) {
      const std::string ns = item.contains(json::json_pointer("/metadata/namespace"))
                                 ? item[json::json_pointer("/metadata/namespace")].get<std::string>()
                                 : std::string();
      auto gone =
          store_.remove(kind, ns, item[json::json_pointer("/metadata/name")].get<std::string>(), dry_run);
      if (gone) removed["items"].push_back(*gone);
    }
    co_return http::response::json(200, removed.dump());
  }

  if (request.method == "PUT") {
    if (!p.subresource.empty())
      co_return respond(200, store_.update_subresource(kind, p.ns, p.name, p.subresource, std::nullopt,
                                                       request.body, dry_run));
    auto body = parse_object_body(request);
    if (!body) co_return status_response(body.error());
    json& object = *body;
    const auto body_name = object.value(json::json_pointer("/metadata/name"), std::string());
    if (!body_name.empty() && body_name != p.name)
      co_return status_response(api_error::bad_request(
          "the name of the object (" + body_name + ") does not match the name on the URL (" + p.name + ")"));
    if (is_namespace) label_namespace_name(object, p.name);
    if (admitted_kind) {
      auto old = store_.get(kind, p.ns, p.name);
      if (!old) co_return status_response(old.error());
      const admission_attributes attributes{"UPDATE", &kind,   p.name, object,
                                            *old,     dry_run, user,   field_manager};
      auto admitted = co_await admit(attributes);
      warnings = std::move(admitted.warnings);
      if (!admitted.object) co_return respond(0, admitted.object);
      object = std::move(*admitted.object);
    }
    co_return respond(200, store_.replace(kind, p.ns, p.name, std::move(object), dry_run));
  }

  if (request.method == "PATCH") {
    const auto type = patch_type_of(request.header("content-type"));
    if (!type) co_return status_response(api_error::unsupported_media_type(request.header("content-type")));
    if (!p.subresource.empty())
      co_return respond(
          200, store_.update_subresource(kind, p.ns, p.name, p.subresource, type, request.body, dry_run));
    if (admitted_kind) {
      // The hook must see the namespace as it would be stored: patch in dry-run, admit, then store the
      // result.
      auto old = store_.get(kind, p.ns, p.name);
      if (!old) co_return status_response(old.error());
      auto candidate = store_.patch(kind, p.ns, p.name, *type, request.body, true);
      if (!candidate) co_return status_response(candidate.error());
      label_namespace_name(*candidate, p.name);
      const admission_attributes attributes{"UPDATE", &kind,   p.name, *candidate,
                                            *old,     dry_run, user,   field_manager};
      auto admitted = co_await admit(attributes);
      warnings = std::move(admitted.warnings);
      if (!admitted.object) co_return respond(0, admitted.object);
      co_return respond(200, store_.replace(kind, p.ns, p.name, std::move(*admitted.object), dry_run));
    }
    co_return respond(200, store_.patch(kind, p.ns, p.name, *type, request.body, dry_run));
  }

  if (request.method == "DELETE") {
    if (!p.subresource.empty())
      co_return status_response(
          api_error::method_not_allowed("the server does not allow this method on the requested resource"));
    bool delete_dry_run = dry_run;
    if (!request.body.empty()) {
      // DeleteOptions: only dryRun matters to a simulator without garbage collection or grace periods.
      const json options = json::parse(request.body, nullptr, false);
      if (options.is_discarded() || !options.is_object())
        co_return status_response(
            api_error::bad_request("the body of the request was not valid DeleteOptions JSON"));
      if (options.contains("dryRun") && options["dryRun"].is_array()) {
        for (const auto& value : options["dryRun"]) delete_dry_run = delete_dry_run || value == "All";
      }
    }
    co_return respond(200, store_.remove(kind, p.ns, p.name, delete_dry_run));
  }
  co_return status_response(
      api_error::method_not_allowed("the server does not allow this method on the requested resource"));
}

net::awaitable<admission_outcome> api_server::admit(const admission_attributes& attributes) {
  if (namespace_admission_) co_return co_await namespace_admission_(attributes);
  co_return co_await webhooks_.admit(attributes);
}

http::response api_server::serve_token_request(http::request& request, const route& r) {
  const auto body = parse_object_body(request);
  if (!body) return status_response(body.error());
  const resource_kind* sa_kind = find_kind("", "v1", "serviceaccounts");
  std::string uid;
  if (sa_kind != nullptr) {
    auto account = store_.get(*sa_kind, r.path.ns, r.path.name);
    if (!account) return status_response(account.error());
    uid = account->value(json::json_pointer("/metadata/uid"), std::string());
  }
  std::vector<std::string> audiences;
  std::int64_t expiration = 3600;
  if (body->contains("spec") && (*body)["spec"].is_object()) {
    const json& spec = (*body)["spec"];
    if (spec.contains("audiences") && spec["audiences"].is_array()) {
      for (const auto& a : spec["audiences"]) {
        if (a.is_string()) audiences.push_back(a.get<std::string>());
      }
    }
    if (spec.contains("expirationSeconds") && spec["expirationSeconds"].is_number_integer())
      expiration = spec["expirationSeconds"].get<std::int64_t>();
  }
  if (expiration < 600)
    return status_response(
        api_error::invalid("TokenRequest", r.path.name,
                           "spec.expirationSeconds: Invalid value: may not specify a duration less "
                           "than 10 minutes"));
  const auto expires = clock_() + std::chrono::seconds(expiration);
  json response = *body;
  response["kind"] = "TokenRequest";
  response["apiVersion"] = "authentication.k8s.io/v1";
  if (!response.contains("metadata") || !response["metadata"].is_object())
    response["metadata"] = json::object();
  response["metadata"]["name"] = r.path.name;
  response["metadata"]["namespace"] = r.path.ns;
  if (audiences.empty()) audiences.emplace_back(authenticator::default_audience);
  response["spec"]["audiences"] = audiences;
  response["spec"]["expirationSeconds"] = expiration;
  response["status"] = {
      {"token", authenticator_.issue_service_account_token(r.path.ns, r.path.name, uid, audiences, expires)},
      {"expirationTimestamp", devenv::format_rfc3339(expires)}};
  return http::response::json(201, response.dump());
}

http::response api_server::start_watch(http::request& request, const route& r, list_options options) {
  auto timeout = parse_int_param(request, "timeoutSeconds");
  if (!timeout) return status_response(timeout.error());
  auto events = store_.watch(*r.kind, r.path.ns, options);
  // A watch that cannot start (410 Gone, unknown namespace, ...) is an ordinary error response.
  if (!events) return status_response(events.error());

  auto session = std::make_shared<watch_session>(io_, next_watch_id_++);
  session->events = std::move(*events);
  session->kind = r.kind;
  session->form = negotiate_form(request.header("accept"));
  session->include = parse_include_object(request.query_param("includeObject"));
  session->bookmarks = options.allow_bookmarks;
  if (*timeout > 0) session->timeout = std::chrono::seconds(*timeout);
  session->drop_generation = faults_.drop_generation();
  session->events->notify = [weak = std::weak_ptr<watch_session>(session)] {
    if (auto s = weak.lock()) s->timer.cancel();
  };
  std::erase_if(watches_, [](const auto& entry) { return entry.second.expired(); });
  watches_[session->id] = session;

  http::response response;
  response.status = 200;
  response.header("Content-Type", session->form == response_form::table ? std::string(table_content_type)
                                                                        : std::string("application/json"));
  response.stream = [this, session](http::stream_writer& writer) { return run_watch(session, writer); };
  return response;
}

net::awaitable<void> api_server::run_watch(std::shared_ptr<watch_session> session,
                                           http::stream_writer& writer) {
  auto alive = alive_;
  const auto started = steady::now();
  auto next_bookmark = started + options_.bookmark_interval;
  auto encode = [&](const watch_event& event) {
    json object = event.object;
    if (session->form != response_form::object &&
        (event.type == "ADDED" || event.type == "MODIFIED" || event.type == "DELETED")) {
      object = session->form == response_form::table
                   ? to_table(*session->kind, object, session->include, clock_())
                   : to_partial_metadata(object);
    }
    return json{{"type", event.type}, {"object", std::move(object)}}.dump() + "\n";
  };
  auto ended = [&] {
    return !*alive || stopped_ || session->dropped || writer.stopping() ||
           session->drop_generation != faults_.drop_generation();
  };
  try {
    while (!ended()) {
      bool client_gone = false;
      while (!session->events->pending.empty() && !ended()) {
        const std::string line = encode(session->events->pending.front());
        session->events->pending.pop_front();
        if (!co_await writer.write(line)) {
          client_gone = true;
          break;
        }
      }
      if (client_gone || !*alive || session->events->closed) break;
      const auto now = steady::now();
      auto deadline = steady::time_point::max();
      if (session->timeout) deadline = started + *session->timeout;
      if (const auto lifetime = faults_.watch_lifetime()) deadline = std::min(deadline, started + *lifetime);
      if (now >= deadline) break;
      if (session->bookmarks && now >= next_bookmark) {
        next_bookmark = now + options_.bookmark_interval;
        const std::string line =
            json{{"type", "BOOKMARK"}, {"object", store_.bookmark(*session->kind)}}.dump() + "\n";
        if (!co_await writer.write(line)) break;
        continue;
      }
      // Wake on new events (notify cancels the timer), the deadline, the next bookmark, or after a second to
      // notice a server shutdown.
      auto wake = std::min(deadline, now + std::chrono::seconds(1));
      if (session->bookmarks) wake = std::min(wake, next_bookmark);
      session->timer.expires_at(wake);
      boost::system::error_code ec;
      co_await session->timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kube-sim: watch failed: %s\n", e.what());
  }
  if (*alive) {
    session->events->closed = true;
    session->events->notify = nullptr;
    watches_.erase(session->id);
  }
}

http::response api_server::serve_control(http::request& request, const user_info& user) {
  if (!user.in_group("system:masters"))
    return status_response(forbidden(user.username, "use the kube-sim control endpoint"));
  const std::string& path = request.path;
  auto ok = [](const json& body) { return http::response::json(200, body.dump()); };
  auto parse_body = [&]() -> result<json> {
    if (request.body.empty()) return json::object();
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return tl::unexpected(api_error::bad_request("the body must be a JSON object"));
    return body;
  };

  if (path == "/_sim/faults") {
    if (request.method == "GET") return ok(faults_.to_json());
    if (request.method == "DELETE") {
      faults_.reset();
      return ok(faults_.to_json());
    }
    if (request.method == "POST" || request.method == "PUT") {
      auto body = parse_body();
      if (!body) return status_response(body.error());
      const auto generation = faults_.drop_generation();
      if (auto applied = faults_.configure(*body); !applied) return status_response(applied.error());
      if (faults_.drop_generation() != generation) drop_watches();
      return ok(faults_.to_json());
    }
  } else if (path == "/_sim/faults/reset" && request.method == "POST") {
    faults_.reset();
    return ok(faults_.to_json());
  } else if (path == "/_sim/watches/drop" && request.method == "POST") {
    const auto dropped = open_watches();
    drop_watches();
    return ok({{"dropped", dropped}});
  } else if (path == "/_sim/requests" && request.method == "GET") {
    auto since = parse_int_param(request, "since");
    if (!since) return status_response(since.error());
    auto limit = parse_int_param(request, "limit");
    if (!limit) return status_response(limit.error());
    std::optional<std::string> who;
    if (request.has_query_param("user")) who = std::string(request.query_param("user"));
    return ok(log_.query(static_cast<std::uint64_t>(*since), who,
                         *limit > 0 ? static_cast<std::size_t>(*limit) : static_cast<std::size_t>(-1)));
  } else if (path == "/_sim/tokens" && request.method == "POST") {
    // Mints a service-account token without requiring the ServiceAccount object (test set-up shortcut).
    auto body = parse_body();
    if (!body) return status_response(body.error());
    const std::string ns = body->value("namespace", "");
    const std::string name = body->value("serviceAccount", "");
    if (ns.empty() || name.empty())
      return status_response(api_error::bad_request("namespace and serviceAccount are required"));
    std::vector<std::string> audiences;
    if (body->contains("audiences") && (*body)["audiences"].is_array()) {
      for (const auto& a : (*body)["audiences"]) {
        if (a.is_string()) audiences.push_back(a.get<std::string>());
      }
    }
    const json seconds = body->value("expirationSeconds", json(3600));
    if (!seconds.is_number_integer() || seconds.get<std::int64_t>() <= 0)
      return status_response(api_error::bad_request("expirationSeconds must be a positive integer"));
    const auto expires = clock_() + std::chrono::seconds(seconds.get<std::int64_t>());
    const std::string token = authenticator_.issue_service_account_token(ns, name, "", audiences, expires);
    return ok({{"token", token},
               {"user", "system:serviceaccount:" + ns + ":" + name},
               {"expirationTimestamp", devenv::format_rfc3339(expires)}});
  } else if (path == "/_sim/webhooks" && request.method == "GET") {
    auto since = parse_int_param(request, "since");
    if (!since) return status_response(since.error());
    return ok(webhooks_.calls(static_cast<std::uint64_t>(*since)));
  } else if (path == "/_sim/webhooks" && request.method == "DELETE") {
    webhooks_.clear_calls();
    return ok(webhooks_.calls());
  } else if (path == "/_sim/state" && request.method == "GET") {
    return ok({{"resourceVersion", store_.current_resource_version()},
               {"objects", store_.object_count()},
               {"openWatches", open_watches()},
               {"nextRequestIndex", log_.next_index()}});
  } else {
    return status_response(not_found_resource());
  }
  return status_response(
      api_error::method_not_allowed("the server does not allow this method on the requested resource"));
}

}  // namespace kubesim
