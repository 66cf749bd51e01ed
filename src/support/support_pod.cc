#include "support/support_pod.h"

#include <algorithm>

#include "core/rfc3339.h"
#include "support/support_name.h"

namespace devenv::support {

namespace {

using json = nlohmann::json;

std::string string_at(const json& object, std::initializer_list<std::string_view> path) {
  const json* at = &object;
  for (const auto key : path) {
    if (!at->is_object()) return {};
    const auto it = at->find(key);
    if (it == at->end()) return {};
    at = &*it;
  }
  return at->is_string() ? at->get<std::string>() : std::string();
}

}  // namespace

std::string support_selector() {
  return std::string(managed_by_label) + "=devenv-scaler," + std::string(component_label) + "=" +
         std::string(component_value);
}

std::string owner_selector(std::string_view owner) {
  return support_selector() + "," + std::string(owner_key) + "=" + owner_label_value(owner);
}

std::chrono::seconds support_pod::age(time_point now) const {
  return std::max(std::chrono::seconds(0), std::chrono::duration_cast<std::chrono::seconds>(now - created));
}

std::chrono::seconds support_pod::time_left(time_point now) const {
  if (finished()) return std::chrono::seconds(0);
  return std::max(std::chrono::seconds(0), std::chrono::duration_cast<std::chrono::seconds>(expires - now));
}

json build_pod_manifest(const support_settings& settings, std::string_view name, std::string_view size,
                        std::string_view owner, time_point now) {
  const auto& r = settings.sizes.find(size)->second;
  const std::string owner_text(owner);
  const std::string size_text(size);
  json container = {
      {"name", container_name},
      {"image", settings.image},
      {"resources",
       {{"requests", {{"cpu", r.cpu_request}, {"memory", r.memory_request}}},
        {"limits", {{"cpu", r.cpu_limit}, {"memory", r.memory_limit}}}}},
  };
  if (!settings.command.empty()) container["command"] = settings.command;
  json spec = {
      {"containers", json::array({container})},
      {"restartPolicy", "Never"},
      // Kubernetes fails the pod (reason DeadlineExceeded) after this long: nothing of ours must stay up for
      // the pod to expire.
      {"activeDeadlineSeconds", settings.max_lifetime.count()},
      {"terminationGracePeriodSeconds", 10},
  };
  if (!settings.service_account.empty()) spec["serviceAccountName"] = settings.service_account;
  if (!settings.node_selector.empty()) spec["nodeSelector"] = settings.node_selector;
  if (!settings.tolerations.empty()) spec["tolerations"] = settings.tolerations;
  return {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata",
       {{"name", name},
        {"namespace", settings.ns},
        {"labels",
         {{managed_by_label, "devenv-scaler"},
          {component_label, component_value},
          {owner_key, owner_label_value(owner)},
          {size_key, size_text}}},
        {"annotations",
         {{owner_key, owner_text},
          {size_key, size_text},
          {created_key, format_rfc3339(now)},
          {expires_key, format_rfc3339(now + settings.max_lifetime)}}}}},
      {"spec", std::move(spec)},
  };
}

result<support_pod> read_support_pod(const json& object) {
  support_pod p;
  p.name = string_at(object, {"metadata", "name"});
  p.ns = string_at(object, {"metadata", "namespace"});
  const auto created = parse_rfc3339(string_at(object, {"metadata", "creationTimestamp"}));
  if (p.name.empty() || !created) {
    return fail(errc::invalid_argument, "pod '" + p.name + "' has no name or creation time");
  }
  p.created = *created;
  p.owner = string_at(object, {"metadata", "annotations", owner_key});
  p.size = string_at(object, {"metadata", "annotations", size_key});
  if (p.size.empty()) p.size = string_at(object, {"metadata", "labels", size_key});
  p.phase = string_at(object, {"status", "phase"});
  if (p.phase.empty()) p.phase = "Pending";
  p.reason = string_at(object, {"status", "reason"});
  const auto& spec = object.contains("spec") ? object["spec"] : json::object();
  if (const auto it = spec.find("activeDeadlineSeconds"); it != spec.end() && it->is_number_integer()) {
    p.lifetime = std::chrono::seconds(it->get<std::int64_t>());
  }
  if (const auto it = spec.find("containers"); it != spec.end() && it->is_array() && !it->empty()) {
    const auto& c = (*it)[0];
    p.resources.cpu_request = string_at(c, {"resources", "requests", "cpu"});
    p.resources.memory_request = string_at(c, {"resources", "requests", "memory"});
    p.resources.cpu_limit = string_at(c, {"resources", "limits", "cpu"});
    p.resources.memory_limit = string_at(c, {"resources", "limits", "memory"});
  }
  const auto started = parse_rfc3339(string_at(object, {"status", "startTime"}));
  p.expires = (started ? *started : p.created) + p.lifetime;
  return p;
}

std::string attach_command(std::string_view ns, std::string_view name) {
  return "kubectl exec -it -n " + std::string(ns) + " " + std::string(name) + " -- sh";
}

}  // namespace devenv::support
