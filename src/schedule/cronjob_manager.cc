#include "schedule/cronjob_manager.h"

#include <fmt/format.h>

#include "core/rfc3339.h"
#include "schedule/after_hours.h"
#include "schedule/reset_plan.h"
#include "schedule/scheduler_label.h"
#include "schedule/shutdown_plan.h"

namespace devenv::schedule {

namespace {

using clock_point = std::chrono::system_clock::time_point;

// Where the projected token and the CA land in the Job's pod.
constexpr const char* token_dir = "/var/run/secrets/devenv-scaler";
constexpr const char* ca_dir = "/etc/devenv-scaler/ca";

std::string string_at(const json& object, const char* pointer) {
  const json::json_pointer p(pointer);
  if (!object.contains(p) || !object[p].is_string()) return {};
  return object[p].get<std::string>();
}

std::optional<std::string> annotation(const json& object, std::string_view key) {
  const json::json_pointer p("/metadata/annotations");
  if (!object.contains(p) || !object[p].is_object()) return std::nullopt;
  const auto& a = object[p];
  const auto it = a.find(std::string(key));
  if (it == a.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

bool is_conflict(const result<json>& r) {
  return !r && r.error().code == errc::conflict;
}

std::string ns_of(const json& object) {
  return string_at(object, "/metadata/namespace");
}

// "tomorrow 19:00 CET, in 22 h" → ("tomorrow 19:00 CET", "in 22 h"): describe_shutdown's fixed shape.
std::pair<std::string, std::string> split_description(const std::string& text) {
  const auto at = text.rfind(", in ");
  if (at == std::string::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + 2)};
}

bool contains(const json& current, const json& desired) {
  if (desired.is_object()) {
    if (!current.is_object()) return false;
    for (const auto& [key, value] : desired.items()) {
      const auto it = current.find(key);
      if (it == current.end() || !contains(*it, value)) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!current.is_array() || current.size() != desired.size()) return false;
    for (std::size_t i = 0; i < desired.size(); ++i) {
      if (!contains(current[i], desired[i])) return false;
    }
    return true;
  }
  // Numbers: the server may hand back 300 as unsigned where we wrote a signed 300; compare as JSON values.
  return current == desired;
}

}  // namespace

std::string_view to_string(converge_action action) {
  switch (action) {
    case converge_action::created:
      return "created";
    case converge_action::patched:
      return "patched";
    case converge_action::unchanged:
      return "unchanged";
    case converge_action::skipped:
      return "skipped";
  }
  return "unknown";
}

json containment_patch(const json& current, const json& desired) {
  if (contains(current, desired)) return nullptr;
  if (!desired.is_object() || !current.is_object()) return desired;
  json patch = json::object();
  for (const auto& [key, value] : desired.items()) {
    const auto it = current.find(key);
    if (it == current.end()) {
      patch[key] = value;
      continue;
    }
    json sub = containment_patch(*it, value);
    if (!sub.is_null()) patch[key] = std::move(sub);
  }
  return patch;
}

cronjob_state read_cronjob_state(const json& cronjob) {
  cronjob_state s;
  s.schedule = string_at(cronjob, "/spec/schedule");
  s.time_zone = string_at(cronjob, "/spec/timeZone");
  const json::json_pointer suspend("/spec/suspend");
  s.suspend = cronjob.contains(suspend) && cronjob[suspend].is_boolean() && cronjob[suspend].get<bool>();
  if (auto until = annotation(cronjob, prolonged_until_annotation)) s.prolonged_until = parse_rfc3339(*until);
  s.prolonged_by = annotation(cronjob, prolonged_by_annotation).value_or("");
  return s;
}

cronjob_manager::cronjob_manager(cronjob_store& store, schedule_settings settings, manager_options options)
    : store_(store), settings_(std::move(settings)), options_(std::move(options)) {
  if (!settings_.cronjob.ca_configmap.empty() && options_.ca_bundle)
    ca_ = std::make_shared<ca_distributor>(store_, settings_.cronjob.ca_configmap, options_.ca_bundle);
}

std::string cronjob_manager::label_selector() const {
  return fmt::format("{}={}", managed_by_label, managed_by_value);
}

json cronjob_manager::desired_cronjob(std::string_view ns, bool suspend) const {
  const auto& c = settings_.cronjob;
  const json labels = {{std::string(managed_by_label), std::string(managed_by_value)},
                       {"app.kubernetes.io/name", c.name}};
  json env = json::array({
      {{"name", "DEVENV_SERVER"}, {"value", c.server_url}},
      {{"name", "DEVENV_TOKEN_FILE"}, {"value", std::string(token_dir) + "/token"}},
  });
  json mounts = json::array({{{"name", "token"}, {"mountPath", token_dir}, {"readOnly", true}}});
  // The token is audience-bound and short-lived: it is good for talking to us and nothing else.
  json volumes =
      json::array({{{"name", "token"},
                    {"projected",
                     {{"sources", json::array({{{"serviceAccountToken",
                                                 {{"audience", c.token_audience},
                                                  {"expirationSeconds", c.token_expiration_seconds},
                                                  {"path", "token"}}}}})}}}}});
  if (!c.ca_configmap.empty()) {
    env.push_back({{"name", "DEVENV_CA_FILE"}, {"value", std::string(ca_dir) + "/ca.crt"}});
    mounts.push_back({{"name", "ca"}, {"mountPath", ca_dir}, {"readOnly", true}});
    volumes.push_back({{"name", "ca"}, {"configMap", {{"name", c.ca_configmap}}}});
  }
  json container = {
      {"name", "stop"},
      {"image", c.image},
      {"args", json::array({"stop", std::string(ns)})},
      {"env", std::move(env)},
      {"volumeMounts", std::move(mounts)},
      {"resources",
       {{"requests", {{"cpu", "10m"}, {"memory", "32Mi"}}},
        {"limits", {{"cpu", "100m"}, {"memory", "64Mi"}}}}},
      {"securityContext",
       {{"allowPrivilegeEscalation", false},
        {"readOnlyRootFilesystem", true},
        {"capabilities", {{"drop", json::array({"ALL"})}}}}},
  };
  json pod_spec = {
      {"serviceAccountName", c.service_account},
      // Only the projected, audience-bound token is mounted; the default API token is not needed.
      {"automountServiceAccountToken", false},
      {"restartPolicy", "Never"},
      {"securityContext",
       {{"runAsNonRoot", true}, {"runAsUser", 65532}, {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"containers", json::array({std::move(container)})},
      {"volumes", std::move(volumes)},
  };
  return {
      {"apiVersion", "batch/v1"},
      {"kind", "CronJob"},
      {"metadata", {{"name", c.name}, {"namespace", std::string(ns)}, {"labels", labels}}},
      {"spec",
       {{"schedule", default_cron(settings_.schedule)},
        {"timeZone", settings_.schedule.zone->name()},
        {"suspend", suspend},
        {"concurrencyPolicy", "Forbid"},
        {"startingDeadlineSeconds", c.starting_deadline_seconds},
        {"successfulJobsHistoryLimit", c.successful_jobs_history},
        {"failedJobsHistoryLimit", c.failed_jobs_history},
        {"jobTemplate",
         {{"metadata", {{"labels", labels}}},
          {"spec",
           {{"backoffLimit", c.backoff_limit},
            {"activeDeadlineSeconds", 600},
            {"ttlSecondsAfterFinished", 86400},
            {"template", {{"metadata", {{"labels", labels}}}, {"spec", std::move(pod_spec)}}}}}}}}},
  };
}

result<void> cronjob_manager::ensure_service_account(std::string_view ns) {
  auto created = store_.create_service_account(ns, settings_.cronjob.service_account);
  if (!created && created.error().code != errc::conflict) return created;
  return {};
}

result<converge_result> cronjob_manager::converge(std::string_view ns, clock_point now) {
  if (options_.protection.is_protected(ns))
    return converge_result{converge_action::skipped, false, "protected"};
  auto object = store_.get_namespace(ns);
  if (!object) return tl::unexpected(object.error());
  return converge_namespace(*object, now);
}

result<converge_result> cronjob_manager::converge_namespace(const json& namespace_object, clock_point now) {
  const std::string ns = string_at(namespace_object, "/metadata/name");
  if (ns.empty()) return fail(errc::invalid_argument, "namespace object without metadata.name");
  if (options_.protection.is_protected(ns))
    return converge_result{converge_action::skipped, false, "protected"};
  if (namespace_object.contains(json::json_pointer("/metadata/deletionTimestamp")) ||
      string_at(namespace_object, "/status/phase") == "Terminating") {
    return converge_result{converge_action::skipped, false, "terminating"};
  }
  const bool suspend = read_scheduler_label(namespace_object, options_.label_key).suspend();
  auto converged = converge_cronjob(ns, suspend, now);
  if (!converged || !ca_) return converged;
  if (auto ca = ca_->ensure(ns, now); !ca) {
    return fail(ca.error().code,
                fmt::format("CronJob {}, but {}", to_string(converged->action), ca.error().message));
  }
  return converged;
}

result<converge_result> cronjob_manager::converge_cronjob(std::string_view ns, bool suspend,
                                                          clock_point now) {
  const json desired = desired_cronjob(ns, suspend);
  const auto& name = settings_.cronjob.name;

  for (int round = 0; round <= options_.max_conflict_retries; ++round) {
    auto current = store_.get_cronjob(ns, name);
    if (!current && current.error().code == errc::not_found) {
      if (auto sa = ensure_service_account(ns); !sa) return tl::unexpected(sa.error());
      auto created = store_.create_cronjob(ns, desired);
      if (is_conflict(created)) continue;  // someone else created it meanwhile: converge that one
      if (!created) return tl::unexpected(created.error());
      return converge_result{converge_action::created, suspend, {}};
    }
    if (!current) return tl::unexpected(current.error());

    json wanted = desired;
    // A live prolongation or after-hours one-shot is ours and must survive converging; an expired one (or a
    // schedule we did not write) goes back to the default, exactly as the morning reset would do.
    const cronjob_state state = read_cronjob_state(*current);
    const bool restore_default = needs_reset(settings_.schedule, state, now);
    if (!restore_default) {
      wanted["spec"]["schedule"] = state.schedule;
      wanted["spec"]["timeZone"] = state.time_zone;
    }
    json patch = containment_patch(*current, wanted);
    if (restore_default && (state.prolonged_until || !state.prolonged_by.empty())) {
      if (patch.is_null()) patch = json::object();
      patch["metadata"]["annotations"] = {{std::string(prolonged_until_annotation), nullptr},
                                          {std::string(prolonged_by_annotation), nullptr}};
    }
    if (patch.is_null()) return converge_result{converge_action::unchanged, suspend, {}};
    if (auto sa = ensure_service_account(ns); !sa) return tl::unexpected(sa.error());
    auto patched = store_.patch_cronjob(ns, name, patch, string_at(*current, "/metadata/resourceVersion"));
    if (is_conflict(patched)) continue;
    if (!patched) return tl::unexpected(patched.error());
    return converge_result{converge_action::patched, suspend, {}};
  }
  return fail(errc::conflict, fmt::format("CronJob {}/{} kept changing; gave up after {} attempts", ns, name,
                                          options_.max_conflict_retries + 1));
}

result<json> cronjob_manager::get_or_create(std::string_view ns, clock_point now) {
  auto current = store_.get_cronjob(ns, settings_.cronjob.name);
  if (current || current.error().code != errc::not_found) return current;
  auto converged = converge(ns, now);
  if (!converged) return tl::unexpected(converged.error());
  if (converged->action == converge_action::skipped)
    return fail(errc::protected_namespace,
                fmt::format("namespace {} is not managed ({})", ns, converged->reason));
  return store_.get_cronjob(ns, settings_.cronjob.name);
}

result<schedule_change> cronjob_manager::prolong(std::string_view ns, std::chrono::minutes requested,
                                                 env_state env, std::string_view actor, clock_point now) {
  if (options_.protection.is_protected(ns))
    return fail(errc::protected_namespace, fmt::format("namespace {} is protected", ns));
  for (int round = 0; round <= options_.max_conflict_retries; ++round) {
    auto current = get_or_create(ns, now);
    if (!current) return tl::unexpected(current.error());
    auto plan = plan_prolong(settings_.schedule, read_cronjob_state(*current), env, now, requested);
    if (!plan) return tl::unexpected(plan.error());
    const json patch = {
        {"metadata",
         {{"annotations",
           {{std::string(prolonged_until_annotation), format_rfc3339(plan->shutdown.at)},
            {std::string(prolonged_by_annotation), std::string(actor)}}}}},
        {"spec", {{"schedule", plan->shutdown.schedule}, {"timeZone", plan->shutdown.time_zone}}}};
    auto patched = store_.patch_cronjob(ns, settings_.cronjob.name, patch,
                                        string_at(*current, "/metadata/resourceVersion"));
    if (is_conflict(patched)) continue;
    if (!patched) return tl::unexpected(patched.error());
    return schedule_change{plan->shutdown,
                           describe_shutdown(plan->shutdown.at, now, settings_.schedule.zone)};
  }
  return fail(errc::conflict, fmt::format("the shutdown CronJob of {} kept changing; try again", ns));
}

result<reset_report> cronjob_manager::reset_all(clock_point now) {
  auto cronjobs = store_.list_cronjobs(label_selector());
  if (!cronjobs) return tl::unexpected(cronjobs.error());
  reset_report report;
  const json patch = {
      {"metadata",
       {{"annotations",
         {{std::string(prolonged_until_annotation), nullptr},
          {std::string(prolonged_by_annotation), nullptr}}}}},
      {"spec",
       {{"schedule", default_cron(settings_.schedule)}, {"timeZone", settings_.schedule.zone->name()}}}};
  for (json cronjob : *cronjobs) {
    const std::string ns = ns_of(cronjob);
    if (string_at(cronjob, "/metadata/name") != settings_.cronjob.name ||
        options_.protection.is_protected(ns))
      continue;
    ++report.checked;
    bool done = false;
    for (int round = 0; round <= options_.max_conflict_retries && !done; ++round) {
      if (!needs_reset(settings_.schedule, read_cronjob_state(cronjob), now)) break;
      auto patched = store_.patch_cronjob(ns, settings_.cronjob.name, patch,
                                          string_at(cronjob, "/metadata/resourceVersion"));
      if (patched) {
        report.reset.push_back(ns);
        done = true;
      } else if (patched.error().code == errc::conflict) {
        auto again = store_.get_cronjob(ns, settings_.cronjob.name);
        if (!again) {
          if (again.error().code != errc::not_found)
            report.errors.push_back(ns + ": " + again.error().message);
          break;
        }
        cronjob = std::move(*again);
      } else {
        report.errors.push_back(ns + ": " + patched.error().message);
        break;
      }
    }
  }
  return report;
}

result<std::optional<schedule_change>> cronjob_manager::after_hours_start(std::string_view ns,
                                                                          std::string_view actor,
                                                                          clock_point now) {
  auto plan = plan_after_hours_start(settings_.schedule, now);
  if (!plan) return std::optional<schedule_change>{};
  for (int round = 0; round <= options_.max_conflict_retries; ++round) {
    auto current = get_or_create(ns, now);
    if (!current) return tl::unexpected(current.error());
    const cronjob_state state = read_cronjob_state(*current);
    if (state.suspend) return std::optional<schedule_change>{};
    if (state.prolonged_until && *state.prolonged_until >= plan->at) return std::optional<schedule_change>{};
    const json patch = {
        {"metadata",
         {{"annotations",
           {{std::string(prolonged_until_annotation), format_rfc3339(plan->at)},
            {std::string(prolonged_by_annotation), fmt::format("{} (after-hours start)", actor)}}}}},
        {"spec", {{"schedule", plan->schedule}, {"timeZone", plan->time_zone}}}};
    auto patched = store_.patch_cronjob(ns, settings_.cronjob.name, patch,
                                        string_at(*current, "/metadata/resourceVersion"));
    if (is_conflict(patched)) continue;
    if (!patched) return tl::unexpected(patched.error());
    return std::optional<schedule_change>{
        schedule_change{*plan, describe_shutdown(plan->at, now, settings_.schedule.zone)}};
  }
  return fail(errc::conflict, fmt::format("the shutdown CronJob of {} kept changing; try again", ns));
}

shutdown_info cronjob_manager::describe(const std::optional<cronjob_state>& cronjob, env_state env,
                                        clock_point now) const {
  shutdown_info info;
  if (!cronjob) {
    info.description = "no shutdown CronJob";
    return info;
  }
  info.has_cronjob = true;
  info.suspended = cronjob->suspend;
  // An expired prolongation is history: the reset is about to remove it, and showing it would mislead.
  if (cronjob->prolonged_until && *cronjob->prolonged_until > now) {
    info.prolonged_until = cronjob->prolonged_until;
    info.prolonged_by = cronjob->prolonged_by;
  }
  auto view = schedule::next_shutdown(settings_.schedule, *cronjob, env, now);
  if (!view) {
    info.description = "unknown (" + view.error().message + ")";
    return info;
  }
  info.at = view->at;
  info.description = view->description;
  if (view->at) std::tie(info.local, info.relative) = split_description(view->description);
  return info;
}

result<shutdown_info> cronjob_manager::next_shutdown(std::string_view ns, env_state env, clock_point now) {
  auto current = store_.get_cronjob(ns, settings_.cronjob.name);
  if (!current && current.error().code == errc::not_found) return describe(std::nullopt, env, now);
  if (!current) return tl::unexpected(current.error());
  return describe(read_cronjob_state(*current), env, now);
}

result<std::map<std::string, cronjob_state>> cronjob_manager::read_all() {
  auto cronjobs = store_.list_cronjobs(label_selector());
  if (!cronjobs) return tl::unexpected(cronjobs.error());
  std::map<std::string, cronjob_state> out;
  for (const auto& cronjob : *cronjobs) {
    if (string_at(cronjob, "/metadata/name") == settings_.cronjob.name)
      out.emplace(ns_of(cronjob), read_cronjob_state(cronjob));
  }
  return out;
}

}  // namespace devenv::schedule
