// kube-sim's API server: the Kubernetes REST protocol over devenv::http — authentication by bearer token,
// discovery and OpenAPI, routing of /api and /apis paths to the object store (get, list, watch, create,
// update, patch, delete, deletecollection, subresources), Tables for kubectl, TokenReview and TokenRequest,
// fault injection, the request log, admission webhooks for namespace writes, protobuf namespace bodies, the
// /_sim control endpoint, and the timer that advances simulated workload status. Everything runs on the
// io_context it is given, which must be run by one thread: the store is not thread-safe and is only touched
// from handlers and timers on that context.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/net.h"
#include "http/message.h"
#include "model/store.h"
#include "server/admission_hook.h"
#include "server/authenticator.h"
#include "server/fault_injector.h"
#include "server/request_log.h"
#include "server/webhook_dispatcher.h"

namespace kubesim {

namespace net = devenv::net;

struct api_server_options {
  store_options store;
  std::uint64_t fault_seed = 1;
  std::size_t request_log_capacity = 100000;
  std::chrono::milliseconds advance_interval{100};  // longest wait between store::advance() calls
  std::chrono::seconds bookmark_interval{5};        // watches that allow bookmarks get one this often
  bool verbose = false;                             // one line per request on stderr
  // Who a request without an Authorization header is. Unset: such requests get 401. kubectl never sends
  // credentials over plain HTTP, so `kube-sim --http` sets this to the admin (like the old insecure port);
  // a wrong token is still refused.
  std::optional<user_info> anonymous_user;
  webhook_dispatcher_options webhooks;  // admission webhooks: service endpoints, call record size
};

class api_server {
 public:
  api_server(net::io_context& io, api_server_options options, clock_fn clock);
  ~api_server();
  api_server(const api_server&) = delete;
  api_server& operator=(const api_server&) = delete;

  // The request handler to give devenv::http::server. Valid while this object lives.
  devenv::http::handler handler();

  // Starts the workload-status timer. stop() cancels it and ends every open watch.
  void start();
  void stop();

  store& objects() { return store_; }
  authenticator& tokens() { return authenticator_; }
  fault_injector& faults() { return faults_; }
  request_log& requests() { return log_; }
  webhook_dispatcher& webhooks() { return webhooks_; }
  std::size_t open_watches() const {
    return static_cast<std::size_t>(std::count_if(watches_.begin(), watches_.end(),
                                                  [](const auto& entry) { return !entry.second.expired(); }));
  }

  // Namespace writes (create, replace, patch) go through admission: by default the webhook dispatcher
  // (registered Mutating/ValidatingWebhookConfigurations); a hook set here replaces it (tests).
  void set_namespace_admission(admission_hook hook) { namespace_admission_ = std::move(hook); }

  // Ends every open watch now (as the /_sim control endpoint's "drop watches").
  void drop_watches();

 private:
  struct watch_session;
  struct route;

  net::awaitable<devenv::http::response> handle(devenv::http::request& request);
  net::awaitable<devenv::http::response> dispatch(devenv::http::request& request, request_record& record);
  net::awaitable<devenv::http::response> serve_resource(devenv::http::request& request, const route& r,
                                                        const user_info& user);
  devenv::http::response serve_non_resource(devenv::http::request& request);
  devenv::http::response serve_control(devenv::http::request& request, const user_info& user);
  devenv::http::response serve_token_request(devenv::http::request& request, const route& r);
  net::awaitable<devenv::http::response> serve_write(devenv::http::request& request, const route& r,
                                                     const user_info& user, bool dry_run);
  devenv::http::response start_watch(devenv::http::request& request, const route& r, list_options options);
  net::awaitable<void> run_watch(std::shared_ptr<watch_session> session, devenv::http::stream_writer& writer);
  net::awaitable<void> advance_loop();
  devenv::http::response render(unsigned status, const route& r, const devenv::http::request& request,
                                const json& body) const;
  net::awaitable<admission_outcome> admit(const admission_attributes& attributes);

  net::io_context& io_;
  api_server_options options_;
  clock_fn clock_;
  store store_;
  authenticator authenticator_;
  fault_injector faults_;
  request_log log_;
  admission_hook namespace_admission_;
  webhook_dispatcher webhooks_;
  std::map<std::uint64_t, std::weak_ptr<watch_session>> watches_;
  std::uint64_t next_watch_id_ = 0;
  net::steady_timer advance_timer_;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_;  // lets detached coroutines notice this object is gone
};

}  // namespace kubesim
