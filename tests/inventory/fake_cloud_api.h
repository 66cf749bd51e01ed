// fake_cloud_api: an in-memory cloud_api for inventory tests. Holds resources with their states, answers
// describe (optionally split across "pages" it counts), applies start/stop like AWS (already-in-state is
// `already`, a terminated/unknown id fails alone), records every call in order, and has error knobs (describe
// fails, one id always fails). Thread-safe (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "inventory/cloud_api.h"

namespace devenv::inventory::testing {

inline resource make_resource(resource_kind kind, std::string id, std::string state, std::string ns,
                              std::string type = "t3.micro", std::string cluster = {}) {
  resource r;
  r.kind = kind;
  r.id = std::move(id);
  r.state = std::move(state);
  r.type = std::move(type);
  r.cluster_id = std::move(cluster);
  if (!ns.empty()) r.tags = {{"namespace", ns}, {"scheduler", "enabled"}};
  return r;
}

class fake_cloud_api : public cloud_api {
 public:
  void add(resource r) {
    std::lock_guard lock(mutex_);
    resources_[{r.kind, r.id}] = std::move(r);
  }
  void fail_describe(bool fail) {
    std::lock_guard lock(mutex_);
    fail_describe_ = fail;
  }
  void fail_id(const std::string& id) {
    std::lock_guard lock(mutex_);
    failing_ids_.insert(id);
  }
  // After a start, resources report this transitional state until settle() (or stay in it forever).
  void settle() {
    std::lock_guard lock(mutex_);
    for (auto& [key, r] : resources_) {
      if (r.state == "pending") r.state = "running";
      if (r.state == "starting") r.state = "available";
      if (r.state == "stopping") r.state = "stopped";
    }
  }
  // Start requests settle immediately when true (for the wait tests: settle on the Nth describe instead).
  void settle_after_describes(int n) {
    std::lock_guard lock(mutex_);
    settle_after_ = n;
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::string state(resource_kind kind, const std::string& id) const {
    std::lock_guard lock(mutex_);
    return resources_.at({kind, id}).state;
  }

  result<std::vector<resource>> describe(const tag_keys& keys, std::string_view ns) override {
    std::unique_lock lock(mutex_);
    calls_.push_back("describe " + std::string(ns));
    if (fail_describe_) return fail(errc::unavailable, "RequestLimitExceeded: throttled");
    if (settle_after_ > 0 && --settle_after_ == 0) {
      lock.unlock();
      settle();
      lock.lock();
    }
    std::vector<resource> out;
    for (const auto& [key, r] : resources_) {
      auto it = r.tags.find(keys.namespace_key);
      if (!ns.empty() && (it == r.tags.end() || it->second != ns)) continue;
      out.push_back(r);
    }
    return out;
  }

  std::vector<change_outcome> change(bool start, resource_kind kind,
                                     const std::vector<std::string>& ids) override {
    std::lock_guard lock(mutex_);
    std::string call = std::string(start ? "start " : "stop ") + std::string(to_string(kind));
    for (const auto& id : ids) call += " " + id;
    calls_.push_back(call);
    std::vector<change_outcome> out;
    for (const auto& id : ids) {
      auto it = resources_.find({kind, id});
      if (it == resources_.end() || failing_ids_.count(id)) {
        out.push_back({id, "", false, "InvalidInstanceID.NotFound: " + id});
        continue;
      }
      auto& r = it->second;
      const power p = classify(kind, r.state);
      if (p == power::gone) {
        out.push_back({id, "", false, "IncorrectInstanceState: " + id + " is " + r.state});
      } else if (start && (p == power::running || p == power::starting)) {
        out.push_back({id, r.state, true, ""});
      } else if (!start && (p == power::stopped || p == power::stopping)) {
        out.push_back({id, r.state, true, ""});
      } else {
        r.state = start ? (kind == resource_kind::ec2 ? "pending" : "starting") : "stopping";
        out.push_back({id, r.state, false, ""});
      }
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<resource_kind, std::string>, resource> resources_;
  std::set<std::string> failing_ids_;
  bool fail_describe_ = false;
  int settle_after_ = 0;
  std::vector<std::string> calls_;
};

}  // namespace devenv::inventory::testing
