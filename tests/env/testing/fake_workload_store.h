// fake_workload_store: an in-memory workload_store holding Kubernetes-shaped JSON objects, applying real
// JSON merge patches with resourceVersion preconditions, with fault-injection knobs for executor tests
// (409 on the first N patches of a workload, 503 on a seeded fraction of patches, a workload whose patches
// always fail, a hook run inside every patch, a gate that holds patches until N are in flight).
// Thread-safe: every method locks one mutex (the gate waits on a condition variable with a deadline).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "env/workload_json.h"
#include "env/workload_store.h"

namespace devenv::env::testing {

using json = nlohmann::json;

class fake_workload_store : public workload_store {
 public:
  using key = std::pair<workload_kind, std::string>;  // (kind, name) inside one namespace

  // --- seeding -------------------------------------------------------------------------------------------
  void add_namespace(const std::string& ns, std::map<std::string, std::string> labels = {},
                     std::map<std::string, std::string> annotations = {}) {
    std::lock_guard lock(mutex_);
    json object = {{"metadata", {{"name", ns}, {"resourceVersion", next_rv()}}}};
    object["metadata"]["labels"] = labels;
    object["metadata"]["annotations"] = annotations;
    namespaces_[ns] = std::move(object);
  }

  void add_workload(const std::string& ns, workload_kind kind, const std::string& name, int replicas,
                    std::map<std::string, std::string> annotations = {}, std::optional<int> ready = {}) {
    std::lock_guard lock(mutex_);
    json object = {{"metadata", {{"name", name}, {"resourceVersion", next_rv()}, {"generation", 1}}},
                   {"spec", {{"replicas", replicas}}},
                   {"status", {{"readyReplicas", ready.value_or(replicas)}, {"observedGeneration", 1}}}};
    if (!annotations.empty()) object["metadata"]["annotations"] = annotations;
    objects_[ns][{kind, name}] = std::move(object);
  }

  void remove_workload(const std::string& ns, workload_kind kind, const std::string& name) {
    std::lock_guard lock(mutex_);
    objects_[ns].erase({kind, name});
  }

  // --- fault knobs (set before or between operations) -----------------------------------------------------
  void conflict_first(const std::string& name, int count) {
    std::lock_guard lock(mutex_);
    conflicts_left_[name] = count;
  }
  void fail_always(const std::string& name, errc code) {
    std::lock_guard lock(mutex_);
    failing_[name] = code;
  }
  void heal(const std::string& name) {
    std::lock_guard lock(mutex_);
    failing_.erase(name);
  }
  void unavailable_fraction(double fraction, unsigned seed) {
    std::lock_guard lock(mutex_);
    unavailable_fraction_ = fraction;
    random_.seed(seed);
  }
  void fail_namespace_patches(bool fail) {
    std::lock_guard lock(mutex_);
    fail_namespace_patches_ = fail;
  }
  void fail_list(bool fail) {
    std::lock_guard lock(mutex_);
    fail_list_ = fail;
  }
  // Runs under no lock before a patch is evaluated (may call the seeding functions, e.g. to simulate a
  // person scaling the workload by hand between the executor's read and its write).
  void on_patch(std::function<void(workload_kind, const std::string& name)> hook) { hook_ = std::move(hook); }
  // Holds every workload patch until `width` patches are in flight together (or `deadline` passes), so a
  // test can prove that patches overlap without sleeping.
  void gate_patches(int width, std::chrono::milliseconds deadline) {
    std::lock_guard lock(mutex_);
    gate_width_ = width;
    gate_deadline_ = deadline;
  }

  // --- observation -----------------------------------------------------------------------------------------
  json object(const std::string& ns, workload_kind kind, const std::string& name) const {
    std::lock_guard lock(mutex_);
    return objects_.at(ns).at({kind, name});
  }
  int replicas(const std::string& ns, workload_kind kind, const std::string& name) const {
    return object(ns, kind, name)["spec"]["replicas"].get<int>();
  }
  std::optional<std::string> annotation(const std::string& ns, workload_kind kind, const std::string& name,
                                        std::string_view annotation_key) const {
    auto o = object(ns, kind, name);
    auto annotations = o["metadata"].value("annotations", json::object());
    auto it = annotations.find(std::string(annotation_key));
    if (it == annotations.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  }
  json namespace_object(const std::string& ns) const {
    std::lock_guard lock(mutex_);
    return namespaces_.at(ns);
  }
  std::vector<std::pair<std::string, event_record>> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  // Successful workload patches in the order they were applied.
  std::vector<key> applied() const {
    std::lock_guard lock(mutex_);
    return applied_;
  }
  std::vector<json> patch_bodies() const {
    std::lock_guard lock(mutex_);
    return patch_bodies_;
  }
  int max_in_flight() const {
    std::lock_guard lock(mutex_);
    return max_in_flight_;
  }
  int patch_calls() const {
    std::lock_guard lock(mutex_);
    return patch_calls_;
  }
  // Reads of workloads: per namespace (list_workloads) and cluster-wide (list_all_workloads).
  int list_calls() const {
    std::lock_guard lock(mutex_);
    return list_calls_;
  }
  int list_all_calls() const {
    std::lock_guard lock(mutex_);
    return list_all_calls_;
  }

  // --- workload_store
  // ---------------------------------------------------------------------------------------
  result<std::vector<workload>> list_workloads(std::string_view ns) override {
    std::lock_guard lock(mutex_);
    ++list_calls_;
    if (fail_list_) return fail(errc::unavailable, "injected list failure");
    std::vector<workload> out;
    auto it = objects_.find(std::string(ns));
    if (it == objects_.end()) return out;
    for (const auto& [k, o] : it->second) {
      auto w = workload_from_json(k.first, o);
      if (!w) return tl::unexpected(w.error());
      out.push_back(std::move(*w));
    }
    return out;
  }

  result<workloads_by_namespace> list_all_workloads() override {
    std::lock_guard lock(mutex_);
    ++list_all_calls_;
    if (fail_list_) return fail(errc::unavailable, "injected list failure");
    workloads_by_namespace out;
    for (const auto& [ns, objects] : objects_) {
      auto& entry = out.try_emplace(ns, std::vector<workload>{}).first->second;
      for (const auto& [k, o] : objects) {
        auto w = workload_from_json(k.first, o);
        if (!w) {
          entry = tl::unexpected(w.error());
          break;
        }
        entry->push_back(std::move(*w));
      }
    }
    return out;
  }

  result<workload> get_workload(workload_kind kind, std::string_view ns, std::string_view name) override {
    std::lock_guard lock(mutex_);
    auto* o = find(kind, ns, name);
    if (o == nullptr) return fail(errc::not_found, "not found: " + std::string(name));
    return workload_from_json(kind, *o);
  }

  result<workload> patch_workload(workload_kind kind, std::string_view ns, std::string_view name,
                                  const json& patch) override {
    if (hook_) hook_(kind, std::string(name));
    std::unique_lock lock(mutex_);
    ++patch_calls_;
    ++in_flight_;
    max_in_flight_ = std::max(max_in_flight_, in_flight_);
    if (gate_width_ > 0) {
      gate_cv_.notify_all();
      gate_cv_.wait_for(lock, gate_deadline_, [&] { return in_flight_ >= gate_width_ || gate_open_; });
      gate_open_ = true;  // once the width was reached (or the deadline passed) later patches go through
      gate_cv_.notify_all();
    }
    --in_flight_;
    const std::string n(name);
    if (auto f = failing_.find(n); f != failing_.end()) return fail(f->second, "injected failure for " + n);
    if (unavailable_fraction_ > 0 &&
        std::uniform_real_distribution<double>(0, 1)(random_) < unavailable_fraction_) {
      return fail(errc::unavailable, "injected 503 for " + n);
    }
    auto* o = find(kind, ns, name);
    if (o == nullptr) return fail(errc::not_found, "not found: " + n);
    if (auto c = conflicts_left_.find(n); c != conflicts_left_.end() && c->second > 0) {
      --c->second;
      // A concurrent writer touched the object: its version moves on, so the precondition fails.
      (*o)["metadata"]["resourceVersion"] = next_rv();
      return fail(errc::conflict, "injected conflict for " + n);
    }
    auto precondition = check_and_strip(*o, patch);
    if (!precondition) return tl::unexpected(precondition.error());
    o->merge_patch(*precondition);
    (*o)["metadata"]["resourceVersion"] = next_rv();
    (*o)["status"]["readyReplicas"] = (*o)["spec"]["replicas"];
    patch_bodies_.push_back(patch);
    applied_.push_back({kind, n});
    return workload_from_json(kind, *o);
  }

  result<namespace_info> get_namespace(std::string_view ns) override {
    std::lock_guard lock(mutex_);
    auto it = namespaces_.find(std::string(ns));
    if (it == namespaces_.end()) return namespace_info{std::string(ns), false, {}, {}, {}};
    return namespace_from_json(it->second);
  }

  result<std::vector<namespace_info>> list_namespaces() override {
    std::lock_guard lock(mutex_);
    std::vector<namespace_info> out;
    for (const auto& [name, o] : namespaces_) out.push_back(*namespace_from_json(o));
    return out;
  }

  result<void> patch_namespace(std::string_view ns, const json& patch) override {
    std::lock_guard lock(mutex_);
    if (fail_namespace_patches_) return fail(errc::unavailable, "injected namespace patch failure");
    auto it = namespaces_.find(std::string(ns));
    if (it == namespaces_.end()) return fail(errc::not_found, "namespace not found");
    auto precondition = check_and_strip(it->second, patch);
    if (!precondition) return tl::unexpected(precondition.error());
    it->second.merge_patch(*precondition);
    it->second["metadata"]["resourceVersion"] = next_rv();
    return {};
  }

  result<void> create_event(std::string_view ns, const event_record& event) override {
    std::lock_guard lock(mutex_);
    events_.emplace_back(std::string(ns), event);
    return {};
  }

 private:
  std::string next_rv() { return std::to_string(++rv_); }

  json* find(workload_kind kind, std::string_view ns, std::string_view name) {
    auto it = objects_.find(std::string(ns));
    if (it == objects_.end()) return nullptr;
    auto o = it->second.find({kind, std::string(name)});
    return o == it->second.end() ? nullptr : &o->second;
  }

  // The API server's resourceVersion precondition: a patch naming another version is a 409.
  static result<json> check_and_strip(const json& object, json patch) {
    if (patch.contains("metadata") && patch["metadata"].contains("resourceVersion")) {
      if (patch["metadata"]["resourceVersion"] != object["metadata"]["resourceVersion"]) {
        return fail(errc::conflict, "the object has been modified");
      }
      patch["metadata"].erase("resourceVersion");
    }
    return patch;
  }

  mutable std::mutex mutex_;
  std::condition_variable gate_cv_;
  int rv_ = 100;
  std::map<std::string, json> namespaces_;
  std::map<std::string, std::map<key, json>> objects_;
  std::map<std::string, int> conflicts_left_;
  std::map<std::string, errc> failing_;
  double unavailable_fraction_ = 0;
  std::mt19937 random_{1};
  bool fail_namespace_patches_ = false;
  bool fail_list_ = false;
  std::function<void(workload_kind, const std::string&)> hook_;
  int gate_width_ = 0;
  std::chrono::milliseconds gate_deadline_{0};
  bool gate_open_ = false;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  int patch_calls_ = 0;
  int list_calls_ = 0;
  int list_all_calls_ = 0;
  std::vector<std::pair<std::string, event_record>> events_;
  std::vector<key> applied_;
  std::vector<json> patch_bodies_;
};

}  // namespace devenv::env::testing
