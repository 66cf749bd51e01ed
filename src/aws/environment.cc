#include "aws/environment.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace devenv::aws {
namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string home_file(const env_lookup& env, const char* variable, const char* relative) {
  if (auto path = env(variable)) return *path;
  const auto home = env("HOME").value_or("");
  return home.empty() ? std::string() : home + "/" + relative;
}

}  // namespace

env_lookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    // getenv is safe to call concurrently as long as nobody calls setenv; the service never does.
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

env_lookup map_environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

result<profiles> parse_profile_file(std::string_view text, bool is_config) {
  profiles out;
  std::string section;
  bool in_section = false;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    const auto raw = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    const auto line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      const auto close = line.find(']');
      if (close == std::string_view::npos)
        return fail(errc::invalid_argument, fmt::format("line {}: unterminated section header", line_number));
      auto name = std::string(trim(line.substr(1, close - 1)));
      if (is_config && name.starts_with("profile "))
        name = std::string(trim(std::string_view(name).substr(8)));
      section = name;
      in_section = true;
      out[section];
      continue;
    }
    // Indented lines continue a nested property ("s3 =\n  max_concurrent_requests = 10"): not ours.
    if (raw.front() == ' ' || raw.front() == '\t') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos)
      return fail(errc::invalid_argument, fmt::format("line {}: expected key = value", line_number));
    if (!in_section)
      return fail(errc::invalid_argument, fmt::format("line {}: property outside a section", line_number));
    auto value = trim(line.substr(eq + 1));
    // Inline comments need a space before the '#' or ';' so values like tokens keep their characters.
    for (const auto marker : {" #", " ;", "\t#", "\t;"}) {
      if (const auto at = value.find(marker); at != std::string_view::npos) value = trim(value.substr(0, at));
    }
    out[section][std::string(trim(line.substr(0, eq)))] = std::string(value);
  }
  return out;
}

std::string active_profile(const env_lookup& env) {
  if (auto p = env("AWS_PROFILE")) return *p;
  if (auto p = env("AWS_DEFAULT_PROFILE")) return *p;
  return "default";
}

result<profiles> load_profiles(const env_lookup& env) {
  profiles merged;
  // Config first, credentials second: the credentials file wins for the same key.
  for (const auto& [variable, relative, is_config] :
       {std::tuple{"AWS_CONFIG_FILE", ".aws/config", true},
        std::tuple{"AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials", false}}) {
    const auto path = home_file(env, variable, relative);
    if (path.empty()) continue;
    const auto text = read_file(path);
    if (!text) continue;  // a missing file is normal
    auto parsed = parse_profile_file(*text, is_config);
    if (!parsed) return fail(parsed.error().code, fmt::format("{}: {}", path, parsed.error().message));
    for (auto& [name, values] : *parsed) {
      for (auto& [k, v] : values) merged[name][k] = std::move(v);
      merged[name];
    }
  }
  return merged;
}

std::optional<std::string> profile_value(const profiles& all, const env_lookup& env, const std::string& key) {
  const auto profile = all.find(active_profile(env));
  if (profile == all.end()) return std::nullopt;
  const auto it = profile->second.find(key);
  if (it == profile->second.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace devenv::aws
