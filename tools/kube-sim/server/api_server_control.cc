// The /kube-sim control endpoint (system:masters only): faults, the request log, the clock.
#include <algorithm>
#include <cstdio>
#include <optional>

#include "core/rfc3339.h"
#include "server/api_server_parts.h"
#include "server/discovery.h"
#include "server/protobuf_body.h"

namespace kubesim {

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
