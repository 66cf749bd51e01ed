// An in-memory cronjob_store with the API server's write semantics that matter here (resourceVersion
// preconditions, RFC 7386 merge patches, 409 AlreadyExists on create) and fault knobs. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "schedule/cronjob_store.h"

namespace devenv::schedule::testing {

class fake_cronjob_store final : public cronjob_store {
 public:
  void add_namespace(const std::string& name, std::optional<std::string> label = std::nullopt,
                     const std::string& key = "scheduler") {
    std::lock_guard lock(mutex_);
    json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
    if (label) ns["metadata"]["labels"][key] = *label;
    namespaces_[name] = ns;
  }
  void remove_namespace(const std::string& name) {
    std::lock_guard lock(mutex_);
    namespaces_.erase(name);
  }
  std::optional<json> cronjob(const std::string& ns, const std::string& name = "devenv-shutdown") {
    std::lock_guard lock(mutex_);
    auto it = cronjobs_.find(ns + "/" + name);
    if (it == cronjobs_.end()) return std::nullopt;
    return it->second;
  }
  void put_cronjob(const std::string& ns, json object) {
    std::lock_guard lock(mutex_);
    object["metadata"]["namespace"] = ns;
    object["metadata"]["resourceVersion"] = std::to_string(++version_);
    cronjobs_[ns + "/" + object["metadata"]["name"].get<std::string>()] = object;
  }

  // Knobs.
  int conflicts_on_patch = 0;    // the next N patches fail with 409 (after bumping the object's version)
  int unavailable_on_patch = 0;  // the next N patches fail with 503
  int patches = 0;
  int creates = 0;
  std::set<std::string> service_accounts;  // "ns/name"
  std::map<std::string, std::map<std::string, std::string>> configmaps;  // "ns/name" -> data
  int configmap_calls = 0;
  bool fail_configmaps = false;

  result<json> get_cronjob(std::string_view ns, std::string_view name) override {
    std::lock_guard lock(mutex_);
    auto it = cronjobs_.find(std::string(ns) + "/" + std::string(name));
    if (it == cronjobs_.end())
      return fail(errc::not_found, "cronjobs \"" + std::string(name) + "\" not found");
    return it->second;
  }
  result<json> create_cronjob(std::string_view ns, const json& object) override {
    std::lock_guard lock(mutex_);
    if (!namespaces_.count(std::string(ns))) return fail(errc::not_found, "namespace not found");
    const auto key = std::string(ns) + "/" + object["metadata"]["name"].get<std::string>();
    if (cronjobs_.count(key)) return fail(errc::conflict, "already exists");
    ++creates;
    json stored = object;
    stored["metadata"]["resourceVersion"] = std::to_string(++version_);
    cronjobs_[key] = stored;
    return stored;
  }
  result<json> patch_cronjob(std::string_view ns, std::string_view name, const json& patch,
                             std::optional<std::string> rv) override {
    std::lock_guard lock(mutex_);
    auto it = cronjobs_.find(std::string(ns) + "/" + std::string(name));
    if (it == cronjobs_.end()) return fail(errc::not_found, "not found");
    if (unavailable_on_patch > 0) {
      --unavailable_on_patch;
      return fail(errc::unavailable, "injected 503");
    }
    if (conflicts_on_patch > 0) {
      --conflicts_on_patch;
      it->second["metadata"]["resourceVersion"] = std::to_string(++version_);  // someone else wrote
      return fail(errc::conflict, "injected conflict");
    }
    if (rv && *rv != it->second["metadata"]["resourceVersion"].get<std::string>())
      return fail(errc::conflict, "the object has been modified");
    ++patches;
    it->second.merge_patch(patch);
    it->second["metadata"]["resourceVersion"] = std::to_string(++version_);
    return it->second;
  }
  result<std::vector<json>> list_cronjobs(std::string_view selector) override {
    std::lock_guard lock(mutex_);
    std::vector<json> out;
    const auto eq = selector.find('=');
    const std::string key(selector.substr(0, eq)), value(selector.substr(eq + 1));
    for (const auto& [k, cj] : cronjobs_) {
      const json::json_pointer p("/metadata/labels/" + std::string("app.kubernetes.io~1managed-by"));
      if (key == "app.kubernetes.io/managed-by" && cj.contains(p) && cj[p] == value) out.push_back(cj);
    }
    return out;
  }
  result<json> get_namespace(std::string_view name) override {
    std::lock_guard lock(mutex_);
    auto it = namespaces_.find(std::string(name));
    if (it == namespaces_.end())
      return fail(errc::not_found, "namespaces \"" + std::string(name) + "\" not found");
    return it->second;
  }
  result<std::vector<json>> list_namespaces() override {
    std::lock_guard lock(mutex_);
    std::vector<json> out;
    for (const auto& [k, v] : namespaces_) out.push_back(v);
    return out;
  }
  result<void> create_service_account(std::string_view ns, std::string_view name) override {
    std::lock_guard lock(mutex_);
    if (!service_accounts.insert(std::string(ns) + "/" + std::string(name)).second)
      return fail(errc::conflict, "already exists");
    return {};
  }
  result<bool> apply_configmap(std::string_view ns, std::string_view name,
                               const std::map<std::string, std::string>& data) override {
    std::lock_guard lock(mutex_);
    ++configmap_calls;
    if (fail_configmaps) return fail(errc::forbidden, "configmaps is forbidden");
    auto& slot = configmaps[std::string(ns) + "/" + std::string(name)];
    if (slot == data) return false;
    slot = data;
    return true;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, json> namespaces_;
  std::map<std::string, json> cronjobs_;
  long version_ = 100;
};

}  // namespace devenv::schedule::testing
