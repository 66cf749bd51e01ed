// Expected failures as values: every fallible operation returns devenv::result<T>.
// An error carries a stable machine code (used by the REST API and metrics) and a human message.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace devenv {

enum class errc {
  invalid_argument,     // bad input from a caller; nothing was changed
  not_found,            // the named object does not exist
  conflict,             // a concurrent change won; re-read and retry
  unauthorized,         // no or bad credentials
  forbidden,            // credentials are fine but the action is not allowed
  protected_namespace,  // the namespace is never managed by devenv-scaler
  unavailable,          // a dependency (Kubernetes, AWS, Slack) did not answer usefully
  timeout,              // a deadline passed
  too_many_requests,    // throttled by a peer
  internal,             // a bug or an unexpected state
};

// Stable snake_case name of a code, as shown in API errors and metrics labels.
std::string_view to_string(errc code);

struct error {
  errc code = errc::internal;
  std::string message;
};

template <class T>
using result = tl::expected<T, error>;

inline tl::unexpected<error> fail(errc code, std::string message) {
  return tl::unexpected<error>(error{code, std::move(message)});
}

}  // namespace devenv
