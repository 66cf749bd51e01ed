// A Kubernetes resource quantity as written in a Pod's resources ("250m", "1", "1.5", "512Mi", "2G"):
// checked and converted to a number so requests can be compared with limits before anything reaches the
// API server. Only the forms people write for CPU and memory are accepted (no exponent notation). Pure.
#pragma once

#include <string_view>

#include "core/error.h"

namespace devenv::support {

// The quantity's value in base units (cores or bytes): "250m" → 0.25, "1Gi" → 1073741824. Zero and
// negative quantities are refused; errc::invalid_argument names the text.
result<double> parse_quantity(std::string_view text);

}  // namespace devenv::support
