// `devenv-scaler serve`: wires configuration, the Kubernetes client, the environment service, the REST API
// and the HTTP server together, and runs until SIGTERM/SIGINT, then drains in-flight requests.
#pragma once

#include "app/config.h"

namespace devenv::app {

// Returns the process exit code.
int serve(const config& cfg);

}  // namespace devenv::app
