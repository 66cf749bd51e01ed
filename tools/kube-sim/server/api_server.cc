#include "server/api_server.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "core/rfc3339.h"
#include "server/api_server_parts.h"
#include "server/discovery.h"
#include "server/protobuf_body.h"

namespace kubesim {

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

}  // namespace kubesim
