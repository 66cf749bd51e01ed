// The simulated controller status of Deployments, StatefulSets and ReplicaSets: what their controllers would
// write while pods come up (the counts, observedGeneration and, for Deployments, the Available/Progressing
// conditions); and the kubelet's view of a created Pod: Pending with its QoS class, then Running after the
// ready delay, or Failed with reason DeadlineExceeded once spec.activeDeadlineSeconds has passed since it
// started. Pure functions of (object, now); thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace kubesim {

// Whether `resource` ("deployments", "statefulsets", "replicasets", "pods") gets a simulated status.
bool simulates_workload(std::string_view resource);

// spec.replicas, defaulting to 1 as the apiserver does.
std::int64_t desired_replicas(const nlohmann::json& object);

// After a create or a change of spec.replicas/generation at `now`: observedGeneration, replicas and
// updatedReplicas follow the spec at once; ready/available drop at once on scale-down. Returns true when
// ready/available must still rise to the spec (the caller schedules mark_ready after the ready delay).
bool apply_spec_change(std::string_view resource, nlohmann::json& object, std::string_view now);

// The ready delay has elapsed: ready/available reach the spec (a Pod starts running, or fails at once when
// its deadline is already over). Returns whether the object changed.
bool mark_ready(std::string_view resource, nlohmann::json& object, std::string_view now);

// A Pending or Running pod whose spec.activeDeadlineSeconds has passed since status.startTime (or since its
// creation, before it started) becomes Failed with reason DeadlineExceeded, as the kubelet does. Returns
// whether the pod changed. `now` is RFC 3339.
bool fail_past_deadline(nlohmann::json& pod, std::string_view now);

// When fail_past_deadline will fail the pod: status.startTime (or its creation) + activeDeadlineSeconds;
// none without a deadline.
std::optional<std::chrono::system_clock::time_point> pod_deadline(const nlohmann::json& pod);

}  // namespace kubesim
