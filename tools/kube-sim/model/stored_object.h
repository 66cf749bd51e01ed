// An object as the store keeps it: its compact JSON text (exactly what json::dump writes for it, minus
// apiVersion and kind, which the table's kind supplies and which typed LIST items omit) plus the labels that
// label selectors read, parsed once. Text instead of a nlohmann tree because a tree costs ~8x the bytes and
// a LIST can then join stored text instead of deep-copying trees. Immutable after construction, so the table
// and the watch history share one instance through shared_ptr<const>; safe to read from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "model/selector.h"

namespace kubesim {

class stored_object {
 public:
  // `object` is a complete object; its apiVersion and kind are not kept (they are the table's).
  explicit stored_object(const nlohmann::json& object);

  // The object without apiVersion and kind as compact JSON: a typed LIST item, byte for byte.
  const std::string& item_text() const { return text_; }
  const label_list& labels() const { return labels_; }
  // The complete object as a tree (parses the text; callers that only render should use item_text()).
  nlohmann::json to_json(const std::string& api_version, const std::string& kind) const;

 private:
  std::string text_;
  label_list labels_;
};

}  // namespace kubesim
