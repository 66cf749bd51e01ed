#include "core/error.h"

namespace devenv {

std::string_view to_string(errc code) {
  switch (code) {
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::not_found:
      return "not_found";
    case errc::conflict:
      return "conflict";
    case errc::unauthorized:
      return "unauthorized";
    case errc::forbidden:
      return "forbidden";
    case errc::protected_namespace:
      return "protected_namespace";
    case errc::unavailable:
      return "unavailable";
    case errc::timeout:
      return "timeout";
    case errc::too_many_requests:
      return "too_many_requests";
    case errc::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace devenv
