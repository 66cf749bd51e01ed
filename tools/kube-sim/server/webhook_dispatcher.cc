#include "server/webhook_dispatcher.h"

#include <algorithm>

#include "model/patch.h"
#include "server/admission_review.h"
#include "server/webhook_client.h"
#include "server/webhook_config.h"

// GCC 12 reports Asio's coroutine frames as mismatched new/delete once inlined: a known false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace kubesim {

using nlohmann::json;
namespace net = devenv::net;

namespace {

api_error failed_calling(const webhook& hook, const std::string& why) {
  return api_error{
      500, "InternalError", "Internal error occurred: failed calling webhook \"" + hook.name + "\": " + why,
      json{{"causes", json::array({{{"message", "failed calling webhook \"" + hook.name + "\": " + why}}})}}};
}

// Every configuration of both kinds in call order: mutating (by name), then validating (by name).
std::vector<webhook> configured_webhooks(const store& objects) {
  std::vector<webhook> hooks;
  for (const bool mutating : {true, false}) {
    const resource_kind* kind =
        find_kind("admissionregistration.k8s.io", "v1",
                  mutating ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations");
    if (kind == nullptr) continue;
    auto listed = objects.list(*kind, "", list_options{});
    if (!listed || !listed->contains("items")) continue;
    std::vector<json> items((*listed)["items"].begin(), (*listed)["items"].end());
    std::sort(items.begin(), items.end(), [](const json& a, const json& b) {
      return a.value(json::json_pointer("/metadata/name"), std::string()) <
             b.value(json::json_pointer("/metadata/name"), std::string());
    });
    for (const auto& item : items) {
      auto parsed = parse_webhook_configuration(item, mutating);
      hooks.insert(hooks.end(), std::make_move_iterator(parsed.begin()),
                   std::make_move_iterator(parsed.end()));
    }
  }
  return hooks;
}

std::string with_timeout_query(const std::string& url, std::chrono::seconds timeout) {
  // The apiserver tells the webhook its deadline the same way.
  return url + (url.find('?') == std::string::npos ? "?" : "&") +
         "timeout=" + std::to_string(timeout.count()) + "s";
}

using call_result = tl::expected<webhook_call_response, std::string>;

// Runs the blocking call on the pool and resumes the awaiting coroutine on its own executor. Written with
// async_initiate rather than core/offload.h: GCC 12 destroys a by-value lambda argument of a coroutine twice
// when the lambda owns strings (seen here as free(): invalid pointer), and this needs no coroutine frame.
auto call_on_pool(net::thread_pool& pool, std::shared_ptr<const webhook_call_request> request) {
  return net::async_initiate<const net::use_awaitable_t<>&, void(call_result)>(
      [&pool](auto handler, std::shared_ptr<const webhook_call_request> call) {
        net::post(pool, [call = std::move(call), handler = std::move(handler)]() mutable {
          call_result outcome = post_admission_review(*call);
          auto executor = net::get_associated_executor(handler);
          net::post(executor, [handler = std::move(handler), outcome = std::move(outcome)]() mutable {
            std::move(handler)(std::move(outcome));
          });
        });
      },
      net::use_awaitable, std::move(request));
}

}  // namespace

json webhook_call_record::to_json() const {
  json out = {{"index", index},     {"configuration", configuration},
              {"webhook", webhook}, {"mutating", mutating},
              {"url", url},         {"operation", operation},
              {"name", name},       {"dryRun", dry_run},
              {"outcome", outcome}, {"latencyMs", static_cast<double>(latency.count()) / 1000.0}};
  if (!error.empty()) out["error"] = error;
  if (outcome == "failed") out["ignored"] = ignored;
  return out;
}

webhook_dispatcher::webhook_dispatcher(store& objects, webhook_dispatcher_options options)
    : store_(objects),
      options_(std::move(options)),
      pool_(std::max<std::size_t>(1, options_.threads)),
      alive_(std::make_shared<bool>(true)) {}

webhook_dispatcher::~webhook_dispatcher() {
  *alive_ = false;
  pool_.join();
}

void webhook_dispatcher::record(webhook_call_record call) {
  call.index = next_index_++;
  calls_.push_back(std::move(call));
  while (calls_.size() > options_.record_capacity) calls_.pop_front();
}

bool webhook_dispatcher::any_configured() const {
  list_options one;
  one.limit = 1;
  for (const char* resource : {"mutatingwebhookconfigurations", "validatingwebhookconfigurations"}) {
    const resource_kind* kind = find_kind("admissionregistration.k8s.io", "v1", resource);
    if (kind == nullptr) continue;
    auto listed = store_.list(*kind, "", one);
    if (listed && listed->contains("items") && !(*listed)["items"].empty()) return true;
  }
  return false;
}

json webhook_dispatcher::calls(std::uint64_t since) const {
  json items = json::array();
  for (const auto& call : calls_) {
    if (call.index >= since) items.push_back(call.to_json());
  }
  return {{"items", std::move(items)}, {"nextIndex", next_index_}};
}

net::awaitable<admission_outcome> webhook_dispatcher::admit(const admission_attributes& attributes) {
  auto alive = alive_;
  admission_outcome outcome{attributes.object, {}};
  const resource_kind& kind = *attributes.kind;
  json& object = *outcome.object;
  for (const webhook& hook : configured_webhooks(store_)) {
    if (!rules_match(hook, attributes.operation, kind)) continue;
    // For a namespace the namespaceSelector looks at the namespace itself (as it would be stored).
    const json labels = object.value(json::json_pointer("/metadata/labels"), json::object());
    auto in_namespace = label_selector_matches(hook.namespace_selector, labels);
    auto by_object = label_selector_matches(hook.object_selector, labels);
    if (!in_namespace || !by_object) {
      const std::string why =
          "invalid selector: " + (!in_namespace ? in_namespace.error() : by_object.error()).message;
      if (hook.fail_closed) {
        outcome.object = tl::unexpected(failed_calling(hook, why));
        co_return outcome;
      }
      continue;
    }
    if (!*in_namespace || !*by_object) continue;
    if (attributes.dry_run && hook.side_effects != "None" && hook.side_effects != "NoneOnDryRun") {
      outcome.object = tl::unexpected(
          api_error::bad_request("admission webhook \"" + hook.name + "\" does not support dry run"));
      co_return outcome;
    }

    webhook_call_record call;
    call.configuration = hook.configuration;
    call.webhook = hook.name;
    call.mutating = hook.mutating;
    call.operation = attributes.operation;
    call.name = attributes.name;
    call.dry_run = attributes.dry_run;
    const auto started = std::chrono::steady_clock::now();
    // Failed calls: Fail rejects the request, Ignore goes on with the next webhook.
    auto fail = [&](const std::string& why) -> bool {
      call.outcome = "failed";
      call.error = why;
      call.ignored = !hook.fail_closed;
      call.latency =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
      record(call);
      if (hook.fail_closed) outcome.object = tl::unexpected(failed_calling(hook, why));
      return hook.fail_closed;
    };

    const auto endpoint = resolve_endpoint(hook, options_.service_endpoints);
    if (!endpoint) {
      call.url = hook.url.empty() ? "service " + hook.service_namespace + "/" + hook.service_name : hook.url;
      if (fail("failed to call webhook: service \"" + hook.service_namespace + "/" + hook.service_name +
               "\" cannot be resolved by kube-sim (see --service-endpoint)"))
        co_return outcome;
      continue;
    }

    admission_request review;
    review.uid = random_uuid();
    review.operation = attributes.operation;
    review.kind = &kind;
    review.name = attributes.name;
    review.ns = kind.namespaced ? object.value(json::json_pointer("/metadata/namespace"), std::string()) : "";
    review.object = object;
    review.old_object = attributes.old_object;
    review.dry_run = attributes.dry_run;
    review.field_manager = attributes.field_manager;
    review.user = attributes.user;

    auto call_request = std::make_shared<webhook_call_request>();
    webhook_call_request& request = *call_request;
    request.url = with_timeout_query(endpoint->url, hook.timeout);
    request.resolve = endpoint->resolve;
    request.ca_pem = hook.ca_bundle_pem;
    request.body = make_admission_review(review).dump();
    request.timeout = hook.timeout;
    call.url = request.url;

    call_result answer = co_await call_on_pool(pool_, std::move(call_request));
    if (!*alive) co_return outcome;
    if (!answer) {
      if (fail("failed to call webhook: " + answer.error())) co_return outcome;
      continue;
    }
    if (answer->status != 200) {
      if (fail("failed to call webhook: the server responded with status " + std::to_string(answer->status)))
        co_return outcome;
      continue;
    }
    auto parsed = parse_admission_answer(answer->body, review.uid);
    if (!parsed) {
      if (fail("received invalid webhook response: " + parsed.error())) co_return outcome;
      continue;
    }
    call.latency =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    outcome.warnings.insert(outcome.warnings.end(), parsed->warnings.begin(), parsed->warnings.end());
    if (!parsed->allowed) {
      call.outcome = "denied";
      record(call);
      std::string message = "admission webhook \"" + hook.name + "\" denied the request";
      if (!parsed->message.empty()) {
        message += ": " + parsed->message;
      } else if (!parsed->reason.empty()) {
        message += ": " + parsed->reason;
      } else {
        message += " without explanation";
      }
      outcome.object = tl::unexpected(api_error{parsed->code != 0 ? parsed->code : 403,
                                                parsed->reason.empty() ? "Forbidden" : parsed->reason,
                                                message, json::object()});
      co_return outcome;
    }
    call.outcome = "allowed";
    if (hook.mutating && parsed->patch && !parsed->patch->empty()) {
      auto patched = apply_json_patch(object, *parsed->patch);
      if (!patched) {
        call.outcome = "failed";
        call.error = patched.error().message;
        record(call);
        // Not a failed call: the webhook answered and its patch is wrong, which the apiserver never ignores.
        outcome.object = tl::unexpected(
            api_error{500, "InternalError",
                      "Internal error occurred: admission webhook \"" + hook.name +
                          "\" returned a patch that cannot be applied: " + patched.error().message,
                      json::object()});
        co_return outcome;
      }
      object = std::move(*patched);
      call.outcome = "patched";
    }
    record(call);
  }
  co_return outcome;
}

}  // namespace kubesim
