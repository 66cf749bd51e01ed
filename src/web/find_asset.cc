#include "web/assets.h"

namespace devenv::web {

const asset* find_asset(std::string_view path) {
  for (const auto& a : web_static_assets()) {
    if (a.path == path) return &a;
  }
  return nullptr;
}

}  // namespace devenv::web
