#include "model/selector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "model/validation.h"

namespace kubesim {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_special(char c) {
  return c == '!' || c == '=' || c == '(' || c == ')' || c == ',' || c == '<' || c == '>';
}

// A small cursor over the selector text, splitting it into the tokens the apiserver's lexer knows.
class lexer {
 public:
  explicit lexer(std::string_view text) : text_(text) {}

  void skip_space() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
  }
  bool at_end() {
    skip_space();
    return pos_ >= text_.size();
  }
  char peek() {
    skip_space();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  std::string_view identifier() {
    skip_space();
    const auto start = pos_;
    while (pos_ < text_.size() && !is_space(text_[pos_]) && !is_special(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // The next token as text, for error messages.
  std::string describe_next() {
    skip_space();
    if (pos_ >= text_.size()) return "";
    if (is_special(text_[pos_])) {
      if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '=' && (text_[pos_] == '=' || text_[pos_] == '!')) {
        return std::string(text_.substr(pos_, 2));
      }
      return std::string(1, text_[pos_]);
    }
    const auto save = pos_;
    std::string id(identifier());
    pos_ = save;
    return id;
  }
  bool consume(std::string_view token) {
    skip_space();
    if (text_.substr(pos_, token.size()) == token) {
      pos_ += token.size();
      return true;
    }
    return false;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

tl::unexpected<api_error> syntax(std::string_view found, std::string_view expected) {
  return tl::unexpected(api_error::bad_request(fmt::format("found '{}', expected: {}", found, expected)));
}

tl::unexpected<api_error> invalid_requirement(std::string_view field, std::string_view value,
                                              std::string_view why) {
  return tl::unexpected(api_error::bad_request(
      fmt::format("unable to parse requirement: {}: Invalid value: \"{}\": {}", field, value, why)));
}

result<std::string> parse_value(lexer& lex) {
  const char next = lex.peek();
  if (next == ',' || next == ')' || next == '\0') return std::string();  // an empty value is legal
  if (is_special(next)) return syntax(lex.describe_next(), "identifier");
  std::string value(lex.identifier());
  if (auto err = label_value_error(value)) return invalid_requirement("values[0]", value, *err);
  return value;
}

result<label_requirement> parse_requirement(lexer& lex) {
  label_requirement req;
  if (lex.consume("!")) {
    if (lex.peek() != '\0' && is_special(lex.peek()))
      return syntax(lex.describe_next(), "identifier after '!'");
    req.key = std::string(lex.identifier());
    if (req.key.empty()) return syntax(lex.describe_next(), "identifier after '!'");
    if (auto err = label_key_error(req.key)) return invalid_requirement("key", req.key, *err);
    req.op = label_op::not_exists;
    if (!lex.at_end() && lex.peek() != ',') return syntax(lex.describe_next(), "',' or 'end of string'");
    return req;
  }
  if (lex.peek() == '\0' || is_special(lex.peek())) return syntax(lex.describe_next(), "!, identifier");
  req.key = std::string(lex.identifier());
  if (auto err = label_key_error(req.key)) return invalid_requirement("key", req.key, *err);
  if (lex.at_end() || lex.peek() == ',') {
    req.op = label_op::exists;
    return req;
  }
  if (lex.consume("==") || lex.consume("=")) {
    req.op = label_op::equals;
  } else if (lex.consume("!=")) {
    req.op = label_op::not_equals;
  } else if (lex.consume(">")) {
    req.op = label_op::greater_than;
  } else if (lex.consume("<")) {
    req.op = label_op::less_than;
  } else {
    const auto word = lex.describe_next();
    if (word == "in" || word == "notin") {
      lex.identifier();
      req.op = word == "in" ? label_op::in : label_op::not_in;
    } else {
      return syntax(word, "in, notin, =, ==, !=, gt, lt");
    }
  }
  if (req.op == label_op::in || req.op == label_op::not_in) {
    if (!lex.consume("(")) return syntax(lex.describe_next(), "'('");
    while (true) {
      auto value = parse_value(lex);
      if (!value) return tl::unexpected(value.error());
      req.values.push_back(std::move(*value));
      if (lex.consume(")")) break;
      if (!lex.consume(",")) return syntax(lex.describe_next(), "',' or ')'");
    }
    return req;
  }
  auto value = parse_value(lex);
  if (!value) return tl::unexpected(value.error());
  if (req.op == label_op::greater_than || req.op == label_op::less_than) {
    std::int64_t n = 0;
    const auto* end = value->data() + value->size();
    if (value->empty() || std::from_chars(value->data(), end, n).ptr != end) {
      return invalid_requirement("values[0]", *value,
                                 "for 'Gt', 'Lt' operators, the value must be an integer");
    }
  }
  req.values.push_back(std::move(*value));
  return req;
}

std::string json_as_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

}  // namespace

result<label_selector> label_selector::parse(std::string_view text) {
  label_selector sel;
  lexer lex(text);
  if (lex.at_end()) return sel;
  while (true) {
    auto req = parse_requirement(lex);
    if (!req) return tl::unexpected(req.error());
    sel.requirements_.push_back(std::move(*req));
    if (lex.at_end()) break;
    if (!lex.consume(",")) return syntax(lex.describe_next(), "',' or 'end of string'");
  }
  return sel;
}

namespace {

// The label matching rules, over any label storage: `find(key)` returns the value or nullptr.
template <class Find>
bool matches_requirements(const std::vector<label_requirement>& requirements, const Find& find) {
  for (const auto& req : requirements) {
    const std::string* value = find(req.key);
    const auto in_values = [&] {
      return std::find(req.values.begin(), req.values.end(), *value) != req.values.end();
    };
    switch (req.op) {
      case label_op::exists:
        if (!value) return false;
        break;
      case label_op::not_exists:
        if (value) return false;
        break;
      case label_op::equals:
      case label_op::in:
        if (!value || !in_values()) return false;
        break;
      case label_op::not_equals:
      case label_op::not_in:
        if (value && in_values()) return false;
        break;
      case label_op::greater_than:
      case label_op::less_than: {
        if (!value) return false;
        const auto& s = *value;
        std::int64_t have = 0;
        std::int64_t want = 0;
        if (std::from_chars(s.data(), s.data() + s.size(), have).ptr != s.data() + s.size()) return false;
        std::from_chars(req.values[0].data(), req.values[0].data() + req.values[0].size(), want);
        if (req.op == label_op::greater_than ? !(have > want) : !(have < want)) return false;
        break;
      }
    }
  }
  return true;
}

}  // namespace

bool label_selector::matches(const nlohmann::json& labels) const {
  return matches_requirements(requirements_, [&](const std::string& key) -> const std::string* {
    if (!labels.is_object()) return nullptr;
    const auto it = labels.find(key);
    return it != labels.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
  });
}

bool label_selector::matches(const label_list& labels) const {
  return matches_requirements(requirements_, [&](const std::string& key) -> const std::string* {
    const auto it = std::lower_bound(labels.begin(), labels.end(), key,
                                     [](const auto& entry, const std::string& k) { return entry.first < k; });
    return it != labels.end() && it->first == key ? &it->second : nullptr;
  });
}

result<field_selector> field_selector::parse(std::string_view text) {
  field_selector sel;
  if (text.find_first_not_of(" \t") == std::string_view::npos) return sel;
  // Split on unescaped commas, then each term on its first unescaped operator.
  std::vector<std::string> terms(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      terms.back() += text.substr(i, 2);
      ++i;
    } else if (text[i] == ',') {
      terms.emplace_back();
    } else {
      terms.back() += text[i];
    }
  }
  for (const auto& term : terms) {
    const auto garbled = [&] {
      return tl::unexpected(
          api_error::bad_request(fmt::format("invalid selector: '{}'; can't understand '{}'", text, term)));
    };
    field_requirement req;
    std::size_t op_pos = std::string::npos;
    std::size_t op_len = 0;
    for (std::size_t i = 0; i < term.size(); ++i) {
      if (term[i] == '\\') {
        ++i;
        continue;
      }
      if (term.compare(i, 2, "!=") == 0) {
        op_pos = i, op_len = 2, req.negate = true;
      } else if (term.compare(i, 2, "==") == 0) {
        op_pos = i, op_len = 2;
      } else if (term[i] == '=') {
        op_pos = i, op_len = 1;
      } else {
        continue;
      }
      break;
    }
    if (op_pos == std::string::npos) return garbled();
    req.path = term.substr(0, op_pos);
    while (!req.path.empty() && is_space(req.path.back())) req.path.pop_back();
    while (!req.path.empty() && is_space(req.path.front())) req.path.erase(0, 1);
    if (req.path.empty()) return garbled();
    // Field paths are dotted identifiers; anything else is a label the apiserver would not support.
    bool ok = req.path.front() != '.' && req.path.back() != '.' && req.path.find("..") == std::string::npos;
    for (char c : req.path) {
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
    }
    if (!ok)
      return tl::unexpected(api_error::bad_request(fmt::format("field label not supported: {}", req.path)));
    const std::string raw = term.substr(op_pos + op_len);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size()) {
        req.value += raw[++i];
      } else if (raw[i] == '=' || (raw[i] == '!' && i + 1 < raw.size() && raw[i + 1] == '=')) {
        return garbled();  // a second unescaped operator
      } else {
        req.value += raw[i];
      }
    }
    sel.requirements_.push_back(std::move(req));
  }
  return sel;
}

bool field_selector::matches(const nlohmann::json& object) const {
  for (const auto& req : requirements_) {
    const nlohmann::json* node = &object;
    std::size_t start = 0;
    while (node && start <= req.path.size()) {
      const auto dot = req.path.find('.', start);
      const auto part = req.path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      const auto it = node->is_object() ? node->find(part) : node->end();
      node = (node->is_object() && it != node->end()) ? &*it : nullptr;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    const std::string actual = node ? json_as_text(*node) : "";
    if ((actual == req.value) == req.negate) return false;
  }
  return true;
}

std::string label_selector_string(const nlohmann::json& selector) {
  std::vector<std::pair<std::string, std::string>> parts;  // (key, rendered requirement)
  if (!selector.is_object()) return "";
  if (auto it = selector.find("matchLabels"); it != selector.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) parts.emplace_back(k, k + "=" + json_as_text(v));
  }
  if (auto it = selector.find("matchExpressions"); it != selector.end() && it->is_array()) {
    for (const auto& e : *it) {
      const std::string key = e.value("key", "");
      const std::string op = e.value("operator", "");
      std::vector<std::string> values;
      if (auto vs = e.find("values"); vs != e.end() && vs->is_array()) {
        for (const auto& v : *vs) values.push_back(json_as_text(v));
      }
      std::sort(values.begin(), values.end());
      std::string joined;
      for (const auto& v : values) joined += (joined.empty() ? "" : ",") + v;
      if (op == "In") parts.emplace_back(key, key + " in (" + joined + ")");
      if (op == "NotIn") parts.emplace_back(key, key + " notin (" + joined + ")");
      if (op == "Exists") parts.emplace_back(key, key);
      if (op == "DoesNotExist") parts.emplace_back(key, "!" + key);
    }
  }
  std::stable_sort(parts.begin(), parts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p.second;
  return out;
}

}  // namespace kubesim
