// Label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h,n>3`) and field selectors (`metadata.name=x,
// status.phase!=Running`) as kube-apiserver parses and matches them. Immutable values after parse(); safe to
// share across threads. Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/api_error.h"

namespace kubesim {

enum class label_op { equals, not_equals, in, not_in, exists, not_exists, greater_than, less_than };

// An object's labels as (key, value) pairs sorted by key: how the store keeps them for matching.
using label_list = std::vector<std::pair<std::string, std::string>>;

struct label_requirement {
  std::string key;
  label_op op = label_op::exists;
  std::vector<std::string> values;
};

class label_selector {
 public:
  // Malformed text → 400 BadRequest worded like the apiserver's label parser.
  static result<label_selector> parse(std::string_view text);

  // `labels` is metadata.labels (an object of strings) or null/absent.
  bool matches(const nlohmann::json& labels) const;
  // The same, over labels kept as a sorted list (no JSON tree needed).
  bool matches(const label_list& labels) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<label_requirement>& requirements() const { return requirements_; }

 private:
  std::vector<label_requirement> requirements_;
};

struct field_requirement {
  std::string path;  // dotted: "metadata.name", "involvedObject.name"
  bool negate = false;
  std::string value;
};

class field_selector {
 public:
  // Terms `path=value`, `path==value`, `path!=value`, comma = AND; `\,` `\=` `\\` escape. Garbled → 400.
  static result<field_selector> parse(std::string_view text);

  // A missing field compares as "", booleans and numbers as their JSON text.
  bool matches(const nlohmann::json& object) const;
  bool empty() const { return requirements_.empty(); }
  const std::vector<field_requirement>& requirements() const { return requirements_; }

 private:
  std::vector<field_requirement> requirements_;
};

// The selector string of a metav1.LabelSelector ({matchLabels, matchExpressions}), as Scale.status.selector
// shows it: requirements sorted by key, e.g. "app=web,tier in (a,b)".
std::string label_selector_string(const nlohmann::json& selector);

}  // namespace kubesim
