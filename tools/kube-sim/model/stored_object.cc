#include "model/stored_object.h"

#include <algorithm>

namespace kubesim {

using json = nlohmann::json;

stored_object::stored_object(const json& object) {
  // Members are written one by one so that apiVersion and kind can be skipped without copying the tree;
  // nlohmann keeps object keys sorted, so this is the text dump() would write for the object without them.
  // Invalid UTF-8 (only possible from C++ callers: every parser we use validates) is replaced, not thrown.
  constexpr auto utf8 = json::error_handler_t::replace;
  text_.push_back('{');
  if (object.is_object()) {
    for (const auto& [key, value] : object.items()) {
      if (key == "apiVersion" || key == "kind") continue;
      if (text_.size() > 1) text_ += ',';
      text_ += json(key).dump(-1, ' ', false, utf8);
      text_ += ':';
      text_ += value.dump(-1, ' ', false, utf8);
    }
    const auto meta = object.find("metadata");
    if (meta != object.end() && meta->is_object()) {
      const auto labels = meta->find("labels");
      if (labels != meta->end() && labels->is_object()) {
        for (const auto& [key, value] : labels->items()) {
          // Non-string values never match a selector; the store rejects them anyway.
          if (value.is_string()) labels_.emplace_back(key, value.get<std::string>());
        }
      }
    }
  }
  text_ += '}';
  // dump() grows its buffer geometrically; the text lives as long as the object, so give back the slack.
  text_.shrink_to_fit();
  labels_.shrink_to_fit();
  std::sort(labels_.begin(), labels_.end());  // already sorted by key (nlohmann order); cheap insurance
}

json stored_object::to_json(const std::string& api_version, const std::string& kind) const {
  json object = json::parse(text_);
  object["apiVersion"] = api_version;
  object["kind"] = kind;
  return object;
}

}  // namespace kubesim
