// A store on a fake clock with a few namespaces, shared by the kube-sim model tests. Not thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "model/store.h"

namespace kubesim::testing {

inline const resource_kind& kind_of(std::string_view resource) {
  for (const auto& k : builtin_kinds()) {
    if (k.resource == resource) return k;
  }
  throw std::logic_error("unknown resource in test");
}

inline json deployment(std::string_view name, int replicas, json labels = json{{"app", "web"}}) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", {{"app", name}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", name}}}}},
              {"spec", {{"containers", json::array({{{"name", "main"}, {"image", "nginx:1.25"}}})}}}}}}}};
}

class store_fixture {
 public:
  explicit store_fixture(store_options options = {})
      : now_(std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + std::chrono::hours{9}),
        store_(std::make_unique<store>(options, [this] { return now_; })) {
    for (const char* ns : {"default", "dev1", "dev2"}) {
      store_->create(kind_of("namespaces"), "", json{{"metadata", {{"name", ns}}}}, false).value();
    }
  }

  store& s() { return *store_; }
  void tick(std::chrono::milliseconds d) { now_ += d; }
  std::chrono::system_clock::time_point now() const { return now_; }

 private:
  std::chrono::system_clock::time_point now_;
  std::unique_ptr<store> store_;
};

}  // namespace kubesim::testing
