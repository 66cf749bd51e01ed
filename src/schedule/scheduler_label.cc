#include "schedule/scheduler_label.h"

namespace devenv::schedule {

label_reading read_scheduler_label(std::optional<std::string_view> value) {
  label_reading out;
  if (!value) return out;
  out.value = std::string(*value);
  if (*value == "enabled") {
    out.intent = label_intent::enabled;
  } else if (*value == "disabled") {
    out.intent = label_intent::disabled;
  } else {
    out.intent = label_intent::unexpected;
  }
  return out;
}

label_reading read_scheduler_label(const nlohmann::json& namespace_object, std::string_view label_key) {
  const auto* metadata = namespace_object.is_object() && namespace_object.contains("metadata")
                             ? &namespace_object["metadata"]
                             : nullptr;
  if (metadata == nullptr || !metadata->is_object() || !metadata->contains("labels")) return {};
  const auto& labels = (*metadata)["labels"];
  if (!labels.is_object()) return {};
  const auto it = labels.find(std::string(label_key));
  if (it == labels.end() || !it->is_string()) return {};
  return read_scheduler_label(std::optional<std::string_view>(it->get_ref<const std::string&>()));
}

}  // namespace devenv::schedule
