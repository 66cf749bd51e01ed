#include "lease/election_settings.h"

#include <fmt/format.h>

#include <charconv>

namespace devenv::lease {

namespace {

result<bool> parse_bool(std::string_view text, std::string_view key) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return fail(errc::invalid_argument, fmt::format("{}: '{}' is not true or false", key, text));
}

result<void> set_duration(std::string_view text, std::string_view key, election_timing& t) {
  auto d = parse_election_duration(text, key);
  if (!d) return tl::unexpected(d.error());
  if (key.ends_with("lease_duration") || key == "DEVENV_LEASE_DURATION") {
    if (d->count() % 1000 != 0) {
      return fail(errc::invalid_argument,
                  fmt::format("{}: must be whole seconds (it is written as leaseDurationSeconds)", key));
    }
    t.lease_duration = std::chrono::duration_cast<std::chrono::seconds>(*d);
  } else if (key.ends_with("renew_deadline") || key == "DEVENV_LEASE_RENEW_DEADLINE") {
    t.renew_deadline = *d;
  } else {
    t.retry_period = *d;
  }
  return {};
}

result<election_settings> parse_node(const YAML::Node& node, election_settings s) {
  if (!node || node.IsNull()) return s;
  if (!node.IsMap()) return fail(errc::invalid_argument, "leader_election must be a mapping");
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    const auto where = "leader_election." + key;
    if (!kv.second.IsScalar()) return fail(errc::invalid_argument, where + " must be a single value");
    const auto value = kv.second.as<std::string>();
    if (key == "enabled") {
      auto b = parse_bool(value, where);
      if (!b) return tl::unexpected(b.error());
      s.enabled = *b;
    } else if (key == "lease_name") {
      s.lease_name = value;
    } else if (key == "identity") {
      s.identity = value;
    } else if (key == "lease_duration" || key == "renew_deadline" || key == "retry_period") {
      if (auto r = set_duration(value, where, s.timing); !r) return tl::unexpected(r.error());
    } else {
      return fail(errc::invalid_argument, "leader_election: unknown key '" + key + "'");
    }
  }
  return s;
}

// A DNS-1123 subdomain, as the API server requires of object names.
bool valid_object_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return alnum(name.front()) && alnum(name.back());
}

}  // namespace

result<std::chrono::milliseconds> parse_election_duration(std::string_view text, std::string_view key) {
  long long number = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, number);
  const std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
  if (ec != std::errc() || number <= 0 || number > 86'400'000) {
    return fail(errc::invalid_argument, fmt::format("{}: '{}' is not a positive duration", key, text));
  }
  if (unit.empty() || unit == "s") return std::chrono::milliseconds(number * 1000);
  if (unit == "ms") return std::chrono::milliseconds(number);
  if (unit == "m") return std::chrono::milliseconds(number * 60'000);
  return fail(errc::invalid_argument, fmt::format("{}: '{}' needs a unit of ms, s or m", key, text));
}

result<election_settings> parse_election_settings(const YAML::Node& node, const env_lookup& env) {
  election_settings s;
  try {
    auto parsed = parse_node(node, std::move(s));
    if (!parsed) return parsed;
    s = std::move(*parsed);
  } catch (const YAML::Exception& e) {
    return fail(errc::invalid_argument, std::string("leader_election: ") + e.what());
  }
  if (auto v = env("DEVENV_LEADER_ELECTION"); v && !v->empty()) {
    auto b = parse_bool(*v, "DEVENV_LEADER_ELECTION");
    if (!b) return tl::unexpected(b.error());
    s.enabled = *b;
  }
  if (auto v = env("DEVENV_LEASE_NAME"); v && !v->empty()) s.lease_name = *v;
  if (auto v = env("DEVENV_LEADER_IDENTITY"); v && !v->empty()) s.identity = *v;
  for (const char* var :
       {"DEVENV_LEASE_DURATION", "DEVENV_LEASE_RENEW_DEADLINE", "DEVENV_LEASE_RETRY_PERIOD"}) {
    if (auto v = env(var); v && !v->empty()) {
      if (auto r = set_duration(*v, var, s.timing); !r) return tl::unexpected(r.error());
    }
  }
  if (!valid_object_name(s.lease_name)) {
    return fail(errc::invalid_argument,
                fmt::format("leader_election.lease_name: '{}' is not a valid object name", s.lease_name));
  }
  if (auto v = validate(s.timing); !v) {
    return fail(errc::invalid_argument, "leader_election: " + v.error().message);
  }
  return s;
}

std::string resolve_identity(const std::string& configured, const env_lookup& env, std::string_view hostname,
                             long pid) {
  if (!configured.empty()) return configured;
  if (auto pod = env("POD_NAME"); pod && !pod->empty()) return *pod;
  return fmt::format("{}_{}", hostname.empty() ? "devenv-scaler" : hostname, pid);
}

}  // namespace devenv::lease
