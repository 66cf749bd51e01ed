// Process-wide logging set-up: spdlog to stderr, as one JSON object per line (for log collectors) or as
// text (for people). Call once from main before anything logs.
#pragma once

#include <string_view>

namespace devenv::app {

void init_logging(std::string_view level, std::string_view format);

}  // namespace devenv::app
