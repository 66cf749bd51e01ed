// The read-only dashboard: GET / (a static page with its script and style under /dashboard/, compiled into
// the binary) and GET /api/v1/dashboard, the one JSON document the page polls. Every answer carries a strict
// Content-Security-Policy (no inline script or style, same-origin fetches only). The data endpoint answers
// with an ETag so a page polling an unchanged cluster gets 304 without a body. See docs/dashboard.md.
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "api/environment_json.h"
#include "api/error_response.h"
#include "api/rest_api.h"
#include "core/offload.h"
#include "core/rfc3339.h"
#include "web/assets.h"

namespace devenv::api {

namespace {

using json = nlohmann::json;

// Same-origin only, nothing inline, no framing: the page needs its own script, style and JSON, nothing else.
constexpr const char* content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

http::response& secured(http::response& r) {
  r.header("Content-Security-Policy", content_security_policy);
  r.header("X-Content-Type-Options", "nosniff");
  r.header("Referrer-Policy", "no-referrer");
  return r;
}

// What one poll reads from the cluster and the optional providers; collected on the worker pool.
struct snapshot {
  std::vector<env::status_entry> environments;  // every managed namespace, or why it could not be read
  // nullopt: schedules are not configured or the CronJobs could not be read.
  std::optional<std::map<std::string, schedule::cronjob_state>> cronjobs;
  std::optional<result<std::vector<support::support_pod>>> support_pods;  // nullopt: not configured
};

result<snapshot> collect(const rest_context& ctx) {
  snapshot s;
  // A constant number of Kubernetes reads per poll, however many environments (statuses()).
  auto statuses = ctx.environments->statuses();
  if (!statuses) return tl::unexpected(statuses.error());
  s.environments = std::move(*statuses);
  if (ctx.schedules != nullptr) {
    auto read = ctx.schedules->read_all();
    if (read) {
      s.cronjobs = std::move(*read);
    } else {
      spdlog::warn("dashboard: cannot read the shutdown CronJobs: {}", read.error().message);
    }
  }
  if (ctx.support != nullptr) {
    // A failure here must not take the environments down with it: it is reported next to them.
    try {
      s.support_pods = ctx.support->list();
    } catch (const std::exception& e) {
      s.support_pods = fail(errc::internal, std::string("support pods: ") + e.what());
    }
  }
  return s;
}

json support_pod_json(const support::support_pod& p) {
  const auto at = [](support::time_point t) {
    return t == support::time_point{} ? json(nullptr) : json(format_rfc3339(t));
  };
  return {{"name", p.name},   {"namespace", p.ns},  {"size", p.size},           {"owner", p.owner},
          {"phase", p.phase}, {"reason", p.reason}, {"created", at(p.created)}, {"expires", at(p.expires)}};
}

bool has_schedule(env::env_state state) {
  return state != env::env_state::not_managed && state != env::env_state::not_found;
}

// Pure: the JSON document of one poll (api/openapi.yaml, schema Dashboard).
json render(const snapshot& s, const rest_context& ctx, std::chrono::system_clock::time_point now) {
  json environments = json::array();
  for (const auto& entry : s.environments) {
    if (!entry.status) {
      // Unreadable: shown with its error rather than dropped (the list's shape: state is then meaningless).
      env::environment_summary unreadable;
      unreadable.ns = entry.ns;
      unreadable.error = entry.status.error().message;
      auto item = to_json(unreadable);
      item["workloads"] = json::array();
      environments.push_back(std::move(item));
      continue;
    }
    const auto& st = *entry.status;
    auto item = to_json(st);
    int ready = 0;
    int desired = 0;
    for (const auto& w : st.workloads) {
      ready += w.ready;
      desired += w.desired;
    }
    item["ready"] = ready;
    item["desired"] = desired;
    if (s.cronjobs && has_schedule(st.state)) {
      const auto it = s.cronjobs->find(st.ns);
      const auto state =
          st.state == env::env_state::stopped ? schedule::env_state::stopped : schedule::env_state::running;
      item["nextShutdown"] = to_json(ctx.schedules->describe(
          it == s.cronjobs->end() ? std::nullopt : std::optional(it->second), state, now));
    }
    // `aws` (when AWS is configured) comes with the status itself: environment_json.cc.
    environments.push_back(std::move(item));
  }
  json out{{"environments", std::move(environments)}};
  if (ctx.schedules != nullptr && ctx.schedules->settings().schedule.zone != nullptr) {
    out["timezone"] = ctx.schedules->settings().schedule.zone->name();
  }
  if (s.support_pods) {
    if (s.support_pods->has_value()) {
      json pods = json::array();
      for (const auto& p : **s.support_pods) pods.push_back(support_pod_json(p));
      out["supportPods"] = std::move(pods);
    } else {
      out["supportPodsError"] = s.support_pods->error().message;
    }
  }
  return out;
}

// A strong validator over the body: equal bodies, equal tags.
std::string etag_of(std::string_view body) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto digest = sha256(body);
  std::string out = "\"";
  for (std::size_t i = 0; i < 16 && i < digest.size(); ++i) {
    const auto b = static_cast<unsigned char>(digest[i]);
    out += hex[b >> 4];
    out += hex[b & 0xf];
  }
  return out + "\"";
}

// If-None-Match may list several tags (or *); weak comparison, as RFC 9110 asks for GET.
bool none_match(std::string_view header, std::string_view etag) {
  if (header.find('*') != std::string_view::npos) return true;
  std::size_t pos = 0;
  while ((pos = header.find(etag.substr(1), pos)) != std::string_view::npos) {
    if (pos > 0 && header[pos - 1] == '"') return true;
    ++pos;
  }
  return false;
}

std::string with_charset(std::string_view type) {
  std::string out(type);
  if (type.rfind("text/", 0) == 0 || type == "application/javascript") out += "; charset=utf-8";
  return out;
}

http::routed_handler serve_page_asset(const web::asset* asset, const char* cache_control) {
  return [asset, cache_control](http::request&, const http::path_params&) -> net::awaitable<http::response> {
    auto r = http::response::text(200, std::string(asset->data), with_charset(asset->content_type));
    r.header("Cache-Control", cache_control);
    co_return secured(r);
  };
}

}  // namespace

void add_dashboard_routes(http::router& router, const rest_context& ctx) {
  // The page and its files are public: they hold no data. no-cache revalidates after an upgrade.
  if (const auto* page = web::find_asset("/dashboard/index.html")) {
    router.add("GET", "/", serve_page_asset(page, "no-cache"));
  }
  for (const char* path : {"/dashboard/dashboard.js", "/dashboard/dashboard.css"}) {
    if (const auto* asset = web::find_asset(path))
      router.add("GET", path, serve_page_asset(asset, "no-cache"));
  }

  router.add("GET", "/api/v1/dashboard",
             [ctx](http::request& req, const http::path_params&) -> net::awaitable<http::response> {
               if (!ctx.dashboard_public) {
                 auto who = co_await authenticate_request(ctx, req);
                 if (!who) {
                   auto r = error_response(who.error());
                   co_return secured(r);
                 }
               }
               auto data = co_await offload(*ctx.workers, [&] { return collect(ctx); });
               if (!data) {
                 auto r = error_response(data.error());
                 co_return secured(r);
               }
               const auto now = ctx.now ? ctx.now() : std::chrono::system_clock::time_point{};
               const auto body =
                   render(*data, ctx, now).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
               const auto etag = etag_of(body);
               http::response r;
               if (none_match(req.header("if-none-match"), etag)) {
                 r.status = 304;
               } else {
                 r = http::response::json(200, body);
               }
               r.header("ETag", etag);
               // Revalidate every time: the state changes under the cache's feet. Behind a token it is
               // private.
               r.header("Cache-Control", ctx.dashboard_public ? "no-cache" : "private, no-cache");
               co_return secured(r);
             });
}

}  // namespace devenv::api
