#include "model/workload_status.h"

#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <optional>

#include "core/rfc3339.h"

namespace kubesim {
namespace {

using json = nlohmann::json;

std::int64_t count(const json& status, const char* key) {
  const auto it = status.find(key);
  return it != status.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

// Deployment and StatefulSet counts are omitempty in the API types, so a zero count is absent.
void set_count(json& status, const char* key, std::int64_t value, bool omit_zero) {
  if (value == 0 && omit_zero) {
    status.erase(key);
  } else {
    status[key] = value;
  }
}

// A stable stand-in for the pod-template-hash the controllers derive from the template.
std::string template_hash(const json& object) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  auto h = std::hash<std::string>{}(object.contains("spec") && object["spec"].contains("template")
                                        ? object["spec"]["template"].dump()
                                        : std::string());
  std::string out;
  for (int i = 0; i < 10; ++i) {
    out += kAlphabet[h % (sizeof(kAlphabet) - 1)];
    h /= (sizeof(kAlphabet) - 1);
  }
  return out;
}

void set_condition(json& status, const std::string& type, bool ok, const std::string& reason,
                   const std::string& message, std::string_view now) {
  json& conditions = status["conditions"];
  if (!conditions.is_array()) conditions = json::array();
  const std::string value = ok ? "True" : "False";
  for (auto& c : conditions) {
    if (c.value("type", "") != type) continue;
    if (c.value("status", "") != value) c["lastTransitionTime"] = now;
    if (c.value("reason", "") != reason || c.value("status", "") != value) c["lastUpdateTime"] = now;
    c["status"] = value;
    c["reason"] = reason;
    c["message"] = message;
    return;
  }
  conditions.push_back({{"type", type},
                        {"status", value},
                        {"lastUpdateTime", now},
                        {"lastTransitionTime", now},
                        {"reason", reason},
                        {"message", message}});
}

void refresh(std::string_view resource, json& object, std::int64_t ready, std::string_view now) {
  const std::int64_t desired = desired_replicas(object);
  json& status = object["status"];
  if (!status.is_object()) status = json::object();
  status["observedGeneration"] = object["metadata"].value("generation", std::int64_t{1});
  const std::string name = object["metadata"].value("name", "");
  const std::string hash = template_hash(object);
  if (resource == "deployments") {
    set_count(status, "replicas", desired, true);
    set_count(status, "updatedReplicas", desired, true);
    set_count(status, "readyReplicas", ready, true);
    set_count(status, "availableReplicas", ready, true);
    set_count(status, "unavailableReplicas", desired - ready, true);
    const bool available = ready >= desired;
    set_condition(
        status, "Available", available, available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
        now);
    const std::string rs = name + "-" + hash.substr(0, 10);
    set_condition(status, "Progressing", true, available ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                  available ? fmt::format("ReplicaSet \"{}\" has successfully progressed.", rs)
                            : fmt::format("ReplicaSet \"{}\" is progressing.", rs),
                  now);
  } else if (resource == "statefulsets") {
    set_count(status, "replicas", desired, false);
    set_count(status, "readyReplicas", ready, true);
    set_count(status, "currentReplicas", desired, true);
    set_count(status, "updatedReplicas", desired, true);
    set_count(status, "availableReplicas", ready, false);
    status["currentRevision"] = name + "-" + hash;
    status["updateRevision"] = name + "-" + hash;
    status["collisionCount"] = 0;
  } else {
    set_count(status, "replicas", desired, false);
    set_count(status, "fullyLabeledReplicas", desired, true);
    set_count(status, "readyReplicas", ready, true);
    set_count(status, "availableReplicas", ready, true);
  }
}

// The QoS class the apiserver derives from the containers' resources: Guaranteed when every container's cpu
// and memory limits are set and equal to the requests, BestEffort when none sets any, else Burstable.
std::string qos_class(const json& pod) {
  bool any = false;
  bool guaranteed = true;
  const json containers =
      pod.contains("spec") ? pod["spec"].value("containers", json::array()) : json::array();
  for (const auto& c : containers) {
    const json r = c.value("resources", json::object());
    const json requests = r.value("requests", json::object());
    const json limits = r.value("limits", json::object());
    if (!requests.empty() || !limits.empty()) any = true;
    for (const char* name : {"cpu", "memory"}) {
      // A limit without a request defaults the request to the limit.
      const json limit = limits.value(name, json());
      const json request = requests.value(name, limit);
      if (limit.is_null() || request != limit) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed && !containers.empty() ? "Guaranteed" : "Burstable";
}

void set_pod_condition(json& status, const std::string& type, bool ok, std::string_view now) {
  json& conditions = status["conditions"];
  if (!conditions.is_array()) conditions = json::array();
  const std::string value = ok ? "True" : "False";
  for (auto& c : conditions) {
    if (c.value("type", "") != type) continue;
    if (c.value("status", "") != value) c["lastTransitionTime"] = now;
    c["status"] = value;
    return;
  }
  conditions.push_back(
      {{"type", type}, {"status", value}, {"lastProbeTime", nullptr}, {"lastTransitionTime", now}});
}


void pod_pending(json& pod) {
  json& status = pod["status"];
  if (!status.is_object()) status = json::object();
  if (!status.contains("phase")) status["phase"] = "Pending";
  status["qosClass"] = qos_class(pod);
}

bool pod_running(json& pod, std::string_view now) {
  if (fail_past_deadline(pod, now)) return true;
  json& status = pod["status"];
  if (!status.is_object()) status = json::object();
  if (status.value("phase", "") != "Pending") return false;
  const std::string name = pod.value("metadata", json::object()).value("name", "");
  status["phase"] = "Running";
  status["startTime"] = now;
  status["hostIP"] = "10.0.0.1";
  status["podIP"] = fmt::format("10.244.0.{}", 2 + std::hash<std::string>{}(name) % 250);
  for (const char* type : {"PodScheduled", "Initialized", "ContainersReady", "Ready"}) {
    set_pod_condition(status, type, true, now);
  }
  json containers = json::array();
  for (const auto& c : pod.value("spec", json::object()).value("containers", json::array())) {
    containers.push_back({{"name", c.value("name", "")},
                          {"image", c.value("image", "")},
                          {"ready", true},
                          {"started", true},
                          {"restartCount", 0},
                          {"state", {{"running", {{"startedAt", now}}}}}});
  }
  status["containerStatuses"] = std::move(containers);
  return true;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> pod_deadline(const json& pod) {
  const json spec = pod.value("spec", json::object());
  const auto seconds = spec.find("activeDeadlineSeconds");
  if (seconds == spec.end() || !seconds->is_number_integer()) return std::nullopt;
  const json status = pod.value("status", json::object());
  std::string from = status.value("startTime", "");
  if (from.empty()) from = pod.value("metadata", json::object()).value("creationTimestamp", "");
  const auto start = devenv::parse_rfc3339(from);
  if (!start) return std::nullopt;
  return *start + std::chrono::seconds(seconds->get<std::int64_t>());
}

bool fail_past_deadline(json& pod, std::string_view now) {
  const auto deadline = pod_deadline(pod);
  const auto at = devenv::parse_rfc3339(now);
  if (!deadline || !at || *at < *deadline) return false;
  json& status = pod["status"];
  if (!status.is_object()) status = json::object();
  const std::string phase = status.value("phase", "Pending");
  if (phase != "Pending" && phase != "Running") return false;
  status["phase"] = "Failed";
  status["reason"] = "DeadlineExceeded";
  status["message"] = "Pod was active on the node longer than the specified deadline";
  if (!status.contains("startTime")) status["startTime"] = now;
  set_pod_condition(status, "Ready", false, now);
  set_pod_condition(status, "ContainersReady", false, now);
  if (status.contains("containerStatuses") && status["containerStatuses"].is_array()) {
    for (auto& c : status["containerStatuses"]) {
      c["ready"] = false;
      c["started"] = false;
      c["state"] = {{"terminated", {{"exitCode", 137}, {"reason", "Error"}, {"finishedAt", now}}}};
    }
  }
  return true;
}

bool simulates_workload(std::string_view resource) {
  return resource == "deployments" || resource == "statefulsets" || resource == "replicasets" ||
         resource == "pods";
}

std::int64_t desired_replicas(const json& object) {
  const auto spec = object.find("spec");
  if (spec == object.end() || !spec->is_object()) return 1;
  const auto r = spec->find("replicas");
  return r != spec->end() && r->is_number_integer() ? r->get<std::int64_t>() : 1;
}

bool apply_spec_change(std::string_view resource, json& object, std::string_view now) {
  if (resource == "pods") {
    // Only a create reaches here for a pod (its spec is immutable and has no generation).
    pod_pending(object);
    return object["status"].value("phase", "") == "Pending";
  }
  const std::int64_t desired = desired_replicas(object);
  const json status = object.contains("status") ? object["status"] : json::object();
  const std::int64_t ready = std::min(count(status, "readyReplicas"), desired);
  refresh(resource, object, ready, now);
  return ready < desired;
}

bool mark_ready(std::string_view resource, json& object, std::string_view now) {
  if (resource == "pods") return pod_running(object, now);
  const json before = object.contains("status") ? object["status"] : json();
  refresh(resource, object, desired_replicas(object), now);
  return object["status"] != before;
}

}  // namespace kubesim
