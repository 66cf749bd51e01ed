// protection_policy: which namespaces devenv-scaler must never manage (DESIGN.md section 2: `kube-*`,
// `default`, its own namespace, plus configured globs), and the validation of a namespace name typed by a
// person before it reaches the Kubernetes API. Immutable after construction; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace devenv::env {

// Shell-style glob over the whole name: `*` matches any run of characters (also none), `?` exactly one;
// every other character matches itself. No character classes: namespace names cannot need them.
bool glob_match(std::string_view pattern, std::string_view name);

// The RFC 1123 label rule Kubernetes applies to namespace names: 1 to 63 characters, lowercase letters,
// digits and '-', starting and ending with a letter or digit. The error (errc::invalid_argument) says which
// rule broke, quoting at most the first 64 characters of the name.
result<void> validate_namespace_name(std::string_view name);

class protection_policy {
 public:
  // The globs used when the configuration names none.
  static std::vector<std::string> default_globs() { return {"kube-*", "default"}; }

  // `own_namespace` (the scaler's own, may be empty) is always protected, whatever the globs say: a
  // configuration that forgets it must not let the scaler stop itself.
  explicit protection_policy(std::vector<std::string> globs = default_globs(),
                             std::string own_namespace = {});

  bool is_protected(std::string_view name) const;

  // validate_namespace_name, then errc::protected_namespace naming the rule that protects it.
  result<void> check(std::string_view name) const;

  const std::vector<std::string>& globs() const { return globs_; }
  const std::string& own_namespace() const { return own_namespace_; }

 private:
  std::vector<std::string> globs_;
  std::string own_namespace_;
};

}  // namespace devenv::env
