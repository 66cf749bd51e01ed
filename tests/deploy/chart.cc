#include "deploy/chart.h"

#include "core/yaml_json.h"

namespace devenv::testing {

std::filesystem::path helm_binary() {
  return binary_path("tests/deploy/helm/helm");
}

std::filesystem::path chart_dir() {
  return source_path("deploy/helm/devenv-scaler");
}

std::filesystem::path full_values_file() {
  return source_path("tests/deploy/full-values.yaml");
}

std::optional<nlohmann::json> rendered_chart::find(const std::string& kind, const std::string& name) const {
  for (const auto& object : objects) {
    if (object.value("kind", "") != kind) continue;
    if (name.empty() || object["metadata"].value("name", "") == name) return object;
  }
  return std::nullopt;
}

std::vector<nlohmann::json> rendered_chart::all(const std::string& kind) const {
  std::vector<nlohmann::json> out;
  for (const auto& object : objects) {
    if (object.value("kind", "") == kind) out.push_back(object);
  }
  return out;
}

rendered_chart render_chart(const std::vector<std::filesystem::path>& values_files,
                            const std::vector<std::string>& set) {
  std::vector<std::string> argv = {helm_binary().string(), "template",    kRelease,
                                   chart_dir().string(),   "--namespace", kReleaseNamespace};
  for (const auto& file : values_files) argv.insert(argv.end(), {"--values", file.string()});
  for (const auto& s : set) argv.insert(argv.end(), {"--set", s});
  rendered_chart chart;
  chart.helm = run_command(argv);
  if (chart.helm.exit_code != 0) return chart;
  chart.text = chart.helm.out;
  auto documents = parse_yaml_documents(chart.text);
  if (!documents) {
    chart.helm.exit_code = -1;
    chart.helm.err = "rendered manifests are not YAML: " + documents.error().message;
    return chart;
  }
  chart.objects = std::move(*documents);
  return chart;
}

std::string rendered_config(const rendered_chart& chart) {
  const auto map = chart.find("ConfigMap", kRelease);
  if (!map) return {};
  return (*map)["data"].value("config.yaml", "");
}

}  // namespace devenv::testing
