// Writes (create, update, patch, delete, subresources) through admission, and the TokenRequest subresource.
#include <algorithm>
#include <cstdio>
#include <optional>

#include "core/rfc3339.h"
#include "server/api_server_parts.h"
#include "server/discovery.h"
#include "server/protobuf_body.h"

namespace kubesim {

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

}  // namespace kubesim
