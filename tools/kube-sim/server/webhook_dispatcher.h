// Calls the registered Mutating/ValidatingWebhookConfigurations for a write, like kube-apiserver: mutating
// webhooks first (configurations by name, webhooks in order, each seeing the previous one's patch), then
// validating; rules, namespaceSelector and objectSelector decide who is called; failurePolicy decides what
// a failed call means; dry-run requests only reach webhooks without side effects. Each HTTPS call runs on
// a small thread pool (libcurl is blocking) and the coroutine resumes on the server's io_context, so the
// API server keeps serving while a webhook thinks. Every call is recorded for GET /_sim/webhooks.
// Not thread-safe: used from the API server's one I/O thread (the pool only runs the HTTP calls).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/net.h"
#include "model/store.h"
#include "server/admission_hook.h"

namespace kubesim {

struct webhook_call_record {
  std::uint64_t index = 0;
  std::string configuration;
  std::string webhook;
  bool mutating = false;
  std::string url;
  std::string operation;
  std::string name;  // the object's name
  bool dry_run = false;
  std::string outcome;   // allowed, patched, denied, failed
  std::string error;     // for failed
  bool ignored = false;  // failed, and failurePolicy Ignore let the request through
  std::chrono::microseconds latency{0};

  nlohmann::json to_json() const;
};

struct webhook_dispatcher_options {
  // "namespace/name" of a Service → "host:port" where its webhook really listens (--service-endpoint).
  std::map<std::string, std::string> service_endpoints;
  std::size_t record_capacity = 10000;
  std::size_t threads = 2;
};

class webhook_dispatcher {
 public:
  webhook_dispatcher(store& objects, webhook_dispatcher_options options);
  ~webhook_dispatcher();  // waits for calls in flight (bounded by their timeouts)
  webhook_dispatcher(const webhook_dispatcher&) = delete;
  webhook_dispatcher& operator=(const webhook_dispatcher&) = delete;

  // Whether any webhook configuration exists (cheap: lets writes skip admission entirely).
  bool any_configured() const;

  devenv::net::awaitable<admission_outcome> admit(const admission_attributes& attributes);

  // {"items":[...]} of the recorded calls with index ≥ since.
  nlohmann::json calls(std::uint64_t since = 0) const;
  void clear_calls() { calls_.clear(); }

 private:
  void record(webhook_call_record call);

  store& store_;
  webhook_dispatcher_options options_;
  devenv::net::thread_pool pool_;
  std::deque<webhook_call_record> calls_;
  std::uint64_t next_index_ = 0;
  std::shared_ptr<bool> alive_;
};

}  // namespace kubesim
