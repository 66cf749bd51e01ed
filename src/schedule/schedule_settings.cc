#include "schedule/schedule_settings.h"

#include <fmt/format.h>

#include <charconv>
#include <set>

#include "core/duration.h"

namespace devenv::schedule {

namespace {

result<std::chrono::minutes> duration_value(std::string_view key, std::string_view text) {
  auto d = parse_duration(text);
  if (!d) return fail(errc::invalid_argument, fmt::format("config: schedule.{}: {}", key, d.error().message));
  return *d;
}

// A warning offset: a duration ("15m") or a bare number of minutes ("15").
result<int> warning_value(std::string_view text) {
  int minutes = 0;
  const auto* end = text.data() + text.size();
  if (auto [ptr, ec] = std::from_chars(text.data(), end, minutes); ec == std::errc() && ptr == end)
    return minutes;
  auto d = duration_value("warnings", text);
  if (!d) return tl::unexpected(d.error());
  return static_cast<int>(d->count());
}

result<int> int_value(std::string_view key, std::string_view text, int min) {
  int v = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || v < min)
    return fail(errc::invalid_argument, fmt::format("config: {} must be an integer >= {}", key, min));
  return v;
}

std::vector<std::string> split_csv(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const auto b = item.find_first_not_of(" \t");
    if (b != std::string_view::npos) out.emplace_back(item.substr(b, item.find_last_not_of(" \t") - b + 1));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

result<void> parse_cronjob(const YAML::Node& node, cronjob_settings& c) {
  if (!node.IsDefined() || node.IsNull()) return {};
  if (!node.IsMap()) return fail(errc::invalid_argument, "config: schedule.cronjob must be a mapping");
  for (const auto& item : node) {
    const auto key = item.first.as<std::string>();
    const auto text = item.second.as<std::string>();
    if (key == "image") {
      c.image = text;
    } else if (key == "service_account") {
      c.service_account = text;
    } else if (key == "server_url") {
      c.server_url = text;
    } else if (key == "ca_configmap") {
      c.ca_configmap = text;
    } else if (key == "ca_file") {
      c.ca_file = text;
    } else if (key == "token_audience") {
      c.token_audience = text;
    } else if (key == "token_expiration_seconds") {
      auto v = int_value("schedule.cronjob.token_expiration_seconds", text, 600);
      if (!v) return tl::unexpected(v.error());
      c.token_expiration_seconds = *v;
    } else if (key == "starting_deadline_seconds") {
      auto v = int_value("schedule.cronjob.starting_deadline_seconds", text, 10);
      if (!v) return tl::unexpected(v.error());
      c.starting_deadline_seconds = *v;
    } else if (key == "backoff_limit") {
      auto v = int_value("schedule.cronjob.backoff_limit", text, 0);
      if (!v) return tl::unexpected(v.error());
      c.backoff_limit = *v;
    } else {
      return fail(errc::invalid_argument, "config: unknown key schedule.cronjob." + key);
    }
  }
  return {};
}

result<void> parse_yaml(const YAML::Node& node, schedule_input& in, cronjob_settings& c) {
  if (!node.IsDefined() || node.IsNull()) return {};
  if (!node.IsMap()) return fail(errc::invalid_argument, "config: schedule must be a mapping");
  for (const auto& item : node) {
    const auto key = item.first.as<std::string>();
    const YAML::Node& value = item.second;
    if (key == "cronjob") {
      if (auto r = parse_cronjob(value, c); !r) return r;
      continue;
    }
    if (key == "warnings") {
      if (!value.IsSequence())
        return fail(errc::invalid_argument, "config: schedule.warnings must be a list");
      in.warnings.clear();
      for (const auto& w : value) {
        auto v = warning_value(w.as<std::string>());
        if (!v) return tl::unexpected(v.error());
        in.warnings.push_back(*v);
      }
      continue;
    }
    if (!value.IsScalar())
      return fail(errc::invalid_argument, "config: schedule." + key + " must be a scalar");
    const auto text = value.as<std::string>();
    if (key == "timezone") {
      in.timezone = text;
    } else if (key == "shutdown") {
      in.shutdown = text;
    } else if (key == "workdays") {
      in.workdays = text;
    } else if (key == "reset") {
      in.reset = text;
    } else if (key == "max_prolong") {
      auto d = duration_value(key, text);
      if (!d) return tl::unexpected(d.error());
      in.max_prolong = *d;
    } else if (key == "after_hours_start") {
      auto d = duration_value(key, text);
      if (!d) return tl::unexpected(d.error());
      in.after_hours_start = *d;
    } else {
      return fail(errc::invalid_argument, "config: unknown key schedule." + key);
    }
  }
  return {};
}

result<void> apply_env(const env_reader& env, schedule_input& in, cronjob_settings& c) {
  auto str = [&](const char* name, std::string& out) {
    if (auto v = env(name)) out = *v;
  };
  str("DEVENV_TIMEZONE", in.timezone);
  str("DEVENV_SHUTDOWN", in.shutdown);
  str("DEVENV_WORKDAYS", in.workdays);
  str("DEVENV_RESET", in.reset);
  str("DEVENV_CRONJOB_IMAGE", c.image);
  str("DEVENV_CRONJOB_SERVICE_ACCOUNT", c.service_account);
  str("DEVENV_CRONJOB_SERVER_URL", c.server_url);
  str("DEVENV_CRONJOB_CA_CONFIGMAP", c.ca_configmap);
  str("DEVENV_CRONJOB_CA_FILE", c.ca_file);
  if (auto v = env("DEVENV_MAX_PROLONG")) {
    auto d = duration_value("max_prolong (DEVENV_MAX_PROLONG)", *v);
    if (!d) return tl::unexpected(d.error());
    in.max_prolong = *d;
  }
  if (auto v = env("DEVENV_AFTER_HOURS_START")) {
    auto d = duration_value("after_hours_start (DEVENV_AFTER_HOURS_START)", *v);
    if (!d) return tl::unexpected(d.error());
    in.after_hours_start = *d;
  }
  if (auto v = env("DEVENV_WARNINGS")) {
    in.warnings.clear();
    for (const auto& item : split_csv(*v)) {
      auto w = warning_value(item);
      if (!w) return tl::unexpected(w.error());
      in.warnings.push_back(*w);
    }
  }
  return {};
}

}  // namespace

result<schedule_settings> parse_schedule_settings(const YAML::Node& node, const env_reader& env) {
  schedule_input input;
  schedule_settings out;
  try {
    if (auto r = parse_yaml(node, input, out.cronjob); !r) return tl::unexpected(r.error());
  } catch (const YAML::Exception& e) {
    return fail(errc::invalid_argument, std::string("config: schedule: ") + e.what());
  }
  if (env) {
    if (auto r = apply_env(env, input, out.cronjob); !r) return tl::unexpected(r.error());
  }
  if (out.cronjob.name.empty() || out.cronjob.image.empty() || out.cronjob.service_account.empty() ||
      out.cronjob.server_url.empty() || out.cronjob.token_audience.empty()) {
    return fail(errc::invalid_argument,
                "config: schedule.cronjob image, service_account, server_url and token_audience must not be "
                "empty");
  }
  auto config = make_schedule_config(input);
  if (!config) return tl::unexpected(config.error());
  out.schedule = std::move(*config);
  return out;
}

}  // namespace devenv::schedule
