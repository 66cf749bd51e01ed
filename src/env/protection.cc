#include "env/protection.h"

#include <fmt/format.h>

namespace devenv::env {
namespace {

constexpr std::size_t max_label_length = 63;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Names in error messages are user input: cap them so a 10 kB "name" does not become a 10 kB log line.
std::string quoted(std::string_view name) {
  constexpr std::size_t shown = 64;
  if (name.size() <= shown) return fmt::format("'{}'", name);
  return fmt::format("'{}...'", name.substr(0, shown));
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view name) {
  // Iterative matcher with one backtrack point (the last '*'): linear in practice, no recursion depth
  // driven by configuration.
  std::size_t p = 0, n = 0;
  std::size_t star = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_n = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

result<void> validate_namespace_name(std::string_view name) {
  if (name.empty()) return fail(errc::invalid_argument, "namespace name is empty");
  if (name.size() > max_label_length) {
    return fail(errc::invalid_argument,
                fmt::format("namespace name {} is {} characters long; the limit is {}", quoted(name),
                            name.size(), max_label_length));
  }
  for (char c : name) {
    if (!is_lower_alnum(c) && c != '-') {
      return fail(
          errc::invalid_argument,
          fmt::format("namespace name {} may contain only lowercase letters, digits and '-'", quoted(name)));
    }
  }
  if (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back())) {
    return fail(
        errc::invalid_argument,
        fmt::format("namespace name {} must start and end with a lowercase letter or digit", quoted(name)));
  }
  return {};
}

protection_policy::protection_policy(std::vector<std::string> globs, std::string own_namespace)
    : globs_(std::move(globs)), own_namespace_(std::move(own_namespace)) {}

bool protection_policy::is_protected(std::string_view name) const {
  if (!own_namespace_.empty() && name == own_namespace_) return true;
  for (const auto& glob : globs_) {
    if (glob_match(glob, name)) return true;
  }
  return false;
}

result<void> protection_policy::check(std::string_view name) const {
  if (auto valid = validate_namespace_name(name); !valid) return valid;
  if (!own_namespace_.empty() && name == own_namespace_) {
    return fail(errc::protected_namespace,
                fmt::format("namespace '{}' is protected: devenv-scaler runs there", name));
  }
  for (const auto& glob : globs_) {
    if (glob_match(glob, name)) {
      return fail(errc::protected_namespace,
                  fmt::format("namespace '{}' is protected (matches '{}'); devenv-scaler never manages it",
                              name, glob));
    }
  }
  return {};
}

}  // namespace devenv::env
