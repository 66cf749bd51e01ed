// scheduler_label: what a namespace's scheduler label (key configurable, default `scheduler`) means for
// its shutdown CronJob (DESIGN.md section 2). Absent or `enabled` → active; `disabled` → suspended (kept, not
// deleted); any other value → suspended too, and the admission webhook warns about it. Pure; thread-safe.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace devenv::schedule {

enum class label_intent { enabled, disabled, unexpected };

struct label_reading {
  label_intent intent = label_intent::enabled;
  std::optional<std::string> value;  // none when the label is absent
  bool suspend() const { return intent != label_intent::enabled; }
};

label_reading read_scheduler_label(std::optional<std::string_view> value);
// From a Namespace object's metadata.labels (a missing or malformed labels map reads as absent).
label_reading read_scheduler_label(const nlohmann::json& namespace_object, std::string_view label_key);

}  // namespace devenv::schedule
