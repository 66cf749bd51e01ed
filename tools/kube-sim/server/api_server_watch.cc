// Watch streams: a session per watch, fed by the store, ended by timeout, client or server.
#include <algorithm>
#include <cstdio>
#include <optional>

#include "core/rfc3339.h"
#include "server/api_server_parts.h"
#include "server/discovery.h"
#include "server/protobuf_body.h"

namespace kubesim {

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

}  // namespace kubesim
