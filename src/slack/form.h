// The fields of an application/x-www-form-urlencoded body, as Slack posts slash commands and interactions.
// A value type; const access is thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace devenv::slack {

class form_fields {
 public:
  // Every value of `key` in the order received (empty when absent).
  const std::vector<std::string>& all(std::string_view key) const;
  // The value of `key` when it appears exactly once; nullopt when absent.
  // errc::invalid_argument when repeated: Slack never repeats a field, so a repeat is a forged or broken
  // request and picking either value would be a guess.
  result<std::optional<std::string>> single(std::string_view key) const;
  bool contains(std::string_view key) const { return fields_.find(key) != fields_.end(); }
  std::size_t size() const { return fields_.size(); }

  void add(std::string key, std::string value);

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> fields_;
};

// Decodes "a=1&b=x+y%21": '+' is a space, %XX a byte; a pair without '=' has an empty value; empty pairs
// ("a=1&&b=2") are skipped; repeated keys keep every value. Fails with errc::invalid_argument on a broken
// escape ("%4", "%zz") or when a decoded key or value is not UTF-8, naming the field.
result<form_fields> decode_form(std::string_view body);

// Percent-encodes a key or value for an application/x-www-form-urlencoded body: every byte but the unreserved
// A-Z a-z 0-9 - _ . ~ becomes %XX (a space too, which decode_form also accepts as '+').
std::string encode_form_value(std::string_view text);

}  // namespace devenv::slack
