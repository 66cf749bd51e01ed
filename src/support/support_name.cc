#include "support/support_name.h"

#include <cctype>

namespace devenv::support {

namespace {

bool lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

result<void> validate_name(std::string_view name, std::string_view what) {
  const std::string quoted = "'" + std::string(name.substr(0, 64)) + (name.size() > 64 ? "…'" : "'");
  const std::string subject = std::string(what) + " " + quoted;
  if (name.empty()) return fail(errc::invalid_argument, std::string(what) + " must not be empty");
  if (name.size() > 63) return fail(errc::invalid_argument, subject + " is longer than 63 characters");
  for (const char c : name) {
    if (!lower_alnum(c) && c != '-') {
      return fail(errc::invalid_argument,
                  subject + " may contain only lowercase letters, digits and '-' (an RFC 1123 label)");
    }
  }
  if (!lower_alnum(name.front()) || !lower_alnum(name.back())) {
    return fail(errc::invalid_argument, subject + " must start and end with a lowercase letter or digit");
  }
  return {};
}

std::string owner_label_value(std::string_view owner) {
  std::string out;
  for (const char c : owner.substr(0, 63)) out += alnum(c) || c == '-' || c == '_' || c == '.' ? c : '.';
  while (!out.empty() && !alnum(out.front())) out.erase(out.begin());
  while (!out.empty() && !alnum(out.back())) out.pop_back();
  return out.empty() ? "unknown" : out;
}

}  // namespace devenv::support
