#include "support/resource_quantity.h"

#include <cctype>
#include <string>
#include <utility>

namespace devenv::support {

result<double> parse_quantity(std::string_view text) {
  static constexpr std::pair<std::string_view, double> suffixes[] = {
      {"Ki", 1024.0},
      {"Mi", 1024.0 * 1024},
      {"Gi", 1024.0 * 1024 * 1024},
      {"Ti", 1024.0 * 1024 * 1024 * 1024},
      {"m", 1e-3},
      {"k", 1e3},
      {"M", 1e6},
      {"G", 1e9},
      {"T", 1e12},
  };
  const auto bad = [&] {
    return fail(errc::invalid_argument,
                "'" + std::string(text.substr(0, 32)) + "' is not a resource quantity (e.g. 250m, 1, 512Mi)");
  };
  std::size_t digits_end = 0;
  bool dot = false;
  bool digit = false;
  while (digits_end < text.size()) {
    const char c = text[digits_end];
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
    ++digits_end;
  }
  if (!digit || digits_end > 18) return bad();
  const std::string_view suffix = text.substr(digits_end);
  double scale = 1;
  if (!suffix.empty()) {
    bool known = false;
    for (const auto& [name, factor] : suffixes) {
      if (suffix == name) {
        scale = factor;
        known = true;
      }
    }
    if (!known) return bad();
  }
  const double value = std::stod(std::string(text.substr(0, digits_end))) * scale;
  if (value <= 0) {
    return fail(errc::invalid_argument, "'" + std::string(text.substr(0, 32)) + "' must be more than zero");
  }
  return value;
}

}  // namespace devenv::support
