#include "model/validation.h"

namespace kubesim {
namespace {

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool alnum(char c) {
  return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

bool is_dns_label(std::string_view s) {
  if (s.empty() || !lower_alnum(s.front()) || !lower_alnum(s.back())) return false;
  for (char c : s) {
    if (!lower_alnum(c) && c != '-') return false;
  }
  return true;
}

bool is_dns_subdomain(std::string_view s) {
  if (s.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = s.find('.', start);
    if (!is_dns_label(
            s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool is_qualified_part(std::string_view s) {
  if (s.empty() || !alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

constexpr const char* kSubdomainMessage =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

}  // namespace

std::optional<std::string> dns1123_subdomain_error(std::string_view name) {
  if (name.size() > 253) return "must be no more than 253 characters";
  if (!is_dns_subdomain(name)) return kSubdomainMessage;
  return std::nullopt;
}

std::optional<std::string> dns1123_label_error(std::string_view name) {
  if (name.size() > 63) return "must be no more than 63 characters";
  if (!is_dns_label(name)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
           "start "
           "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation "
           "is "
           "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  }
  return std::nullopt;
}

std::optional<std::string> label_key_error(std::string_view key) {
  std::string_view name = key;
  const auto slash = key.find('/');
  if (slash != std::string_view::npos) {
    const auto prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) return "prefix part must be non-empty";
    if (prefix.size() > 253) return "prefix part must be no more than 253 characters";
    if (!is_dns_subdomain(prefix)) return std::string("prefix part ") + kSubdomainMessage;
  }
  if (name.empty()) return "name part must be non-empty";
  if (name.size() > 63) return "name part must be no more than 63 characters";
  if (!is_qualified_part(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
           "an "
           "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation "
           "is "
           "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  }
  return std::nullopt;
}

std::optional<std::string> label_value_error(std::string_view value) {
  if (value.size() > 63) return "must be no more than 63 characters";
  if (!value.empty() && !is_qualified_part(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
           "and "
           "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
           "regex "
           "used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  }
  return std::nullopt;
}

}  // namespace kubesim
