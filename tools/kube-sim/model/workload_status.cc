#include "model/workload_status.h"

#include <fmt/format.h>

#include <functional>

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

}  // namespace

bool simulates_workload(std::string_view resource) {
  return resource == "deployments" || resource == "statefulsets" || resource == "replicasets";
}

std::int64_t desired_replicas(const json& object) {
  const auto spec = object.find("spec");
  if (spec == object.end() || !spec->is_object()) return 1;
  const auto r = spec->find("replicas");
  return r != spec->end() && r->is_number_integer() ? r->get<std::int64_t>() : 1;
}

bool apply_spec_change(std::string_view resource, json& object, std::string_view now) {
  const std::int64_t desired = desired_replicas(object);
  const json status = object.contains("status") ? object["status"] : json::object();
  const std::int64_t ready = std::min(count(status, "readyReplicas"), desired);
  refresh(resource, object, ready, now);
  return ready < desired;
}

bool mark_ready(std::string_view resource, json& object, std::string_view now) {
  const json before = object.contains("status") ? object["status"] : json();
  refresh(resource, object, desired_replicas(object), now);
  return object["status"] != before;
}

}  // namespace kubesim
