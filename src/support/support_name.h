// Names around support pods: the pod name a person types (an RFC 1123 label, as the issue and `kubectl exec`
// by name need) and the owner's label value (owners such as "api:ci" are not valid label values, so the label
// carries a sanitised form for selection and the exact owner lives in an annotation). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace devenv::support {

// 1 to 63 characters of [a-z0-9-], starting and ending with a letter or digit. errc::invalid_argument saying
// which rule broke, quoting at most the first 64 characters.
result<void> validate_name(std::string_view name, std::string_view what = "support pod name");

// A valid label value standing for `owner`: characters outside [A-Za-z0-9._-] become '.', at most 63
// characters, trimmed to start and end with a letter or digit; "unknown" when nothing is left. Several
// owners may map to one value: selection by label is a pre-filter, the annotation decides.
std::string owner_label_value(std::string_view owner);

}  // namespace devenv::support
