// Name and label syntax as kube-apiserver validates it (DNS-1123 subdomains and labels, qualified label keys,
// label values). Each check returns the apiserver's wording of what is wrong, or nullopt when valid. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kubesim {

std::optional<std::string> dns1123_subdomain_error(std::string_view name);  // most object names, ≤253
std::optional<std::string> dns1123_label_error(std::string_view name);      // namespace names, ≤63
std::optional<std::string> label_key_error(std::string_view key);           // [prefix/]name
std::optional<std::string> label_value_error(std::string_view value);       // may be empty, ≤63

}  // namespace kubesim
