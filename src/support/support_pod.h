// support_pod: one support pod as devenv-scaler sees it — the Pod manifest it creates (labels for selection,
// annotations for the exact owner and times, activeDeadlineSeconds so Kubernetes itself ends it,
// restartPolicy Never) and the view read back from a Pod object (size, owner, phase, age, time left). Pure
// functions of their inputs and `now`; thread-safe.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/error.h"
#include "support/support_settings.h"

namespace devenv::support {

using time_point = std::chrono::system_clock::time_point;

inline constexpr std::string_view managed_by_label = "app.kubernetes.io/managed-by";
inline constexpr std::string_view component_label = "app.kubernetes.io/component";
inline constexpr std::string_view component_value = "support-pod";
inline constexpr std::string_view owner_key = "devenv-scaler/owner";      // label (sanitised) and annotation
inline constexpr std::string_view size_key = "devenv-scaler/size";        // label and annotation
inline constexpr std::string_view created_key = "devenv-scaler/created";  // annotation, RFC 3339
inline constexpr std::string_view expires_key = "devenv-scaler/expires";  // annotation, RFC 3339
inline constexpr std::string_view container_name = "support";

// "app.kubernetes.io/managed-by=devenv-scaler,app.kubernetes.io/component=support-pod"
std::string support_selector();
// The selector above narrowed to one owner's label value.
std::string owner_selector(std::string_view owner);

struct support_pod {
  std::string name;
  std::string ns;
  std::string owner;  // exact, from the annotation ("U0123ABCD", "api:ci")
  std::string size;   // "XS" … "XL"
  size_resources resources;
  std::string phase;   // Pending, Running, Succeeded, Failed, Unknown
  std::string reason;  // status.reason, e.g. DeadlineExceeded
  time_point created{};
  std::chrono::seconds lifetime{0};  // spec.activeDeadlineSeconds
  // When Kubernetes ends it: status.startTime (from where it counts) or, before the pod started, the creation
  // time, plus the lifetime.
  time_point expires{};

  bool finished() const { return phase == "Succeeded" || phase == "Failed"; }
  std::chrono::seconds age(time_point now) const;
  // Zero once expired or finished.
  std::chrono::seconds time_left(time_point now) const;
};

// The Pod for `name` of `size` (a key of settings.sizes) owned by `owner`, created at `now`.
nlohmann::json build_pod_manifest(const support_settings& settings, std::string_view name,
                                  std::string_view size, std::string_view owner, time_point now);

// Reads a Pod object; errc::invalid_argument when it lacks a name or a creation time.
result<support_pod> read_support_pod(const nlohmann::json& object);

// "kubectl exec -it -n <ns> <name> -- sh"
std::string attach_command(std::string_view ns, std::string_view name);

}  // namespace devenv::support
