#include "slack/bot/settings.h"

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

namespace devenv::slack {

namespace {

std::string trim_newlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// A secret from VAR or from the file named by VAR_FILE; the value itself never appears in an error.
result<std::string> read_secret(const env_lookup& env, const std::string& var) {
  if (auto v = env(var); v && !v->empty()) return *v;
  if (auto file = env(var + "_FILE"); file && !file->empty()) {
    std::ifstream in(*file);
    if (!in) return fail(errc::not_found, var + "_FILE: cannot read " + *file);
    std::stringstream text;
    text << in.rdbuf();
    auto secret = trim_newlines(text.str());
    if (secret.empty()) return fail(errc::invalid_argument, var + "_FILE: " + *file + " is empty");
    return secret;
  }
  return std::string();
}

result<std::chrono::milliseconds> parse_millis(const YAML::Node& n, const std::string& key) {
  const auto text = n.as<std::string>();
  std::string_view t = text;
  long long number = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), number);
  const std::string_view unit(end, static_cast<std::size_t>(t.data() + t.size() - end));
  if (ec != std::errc() || number < 0)
    return fail(errc::invalid_argument, "slack." + key + ": not a duration");
  if (unit.empty() || unit == "s") return std::chrono::milliseconds(number * 1000);
  if (unit == "ms") return std::chrono::milliseconds(number);
  if (unit == "m") return std::chrono::milliseconds(number * 60'000);
  return fail(errc::invalid_argument, "slack." + key + ": unit must be ms, s or m");
}

result<std::vector<std::string>> string_list(const YAML::Node& n, const std::string& where) {
  std::vector<std::string> out;
  if (!n || n.IsNull()) return out;
  if (n.IsScalar()) {
    out.push_back(n.as<std::string>());
    return out;
  }
  if (!n.IsSequence()) return fail(errc::invalid_argument, where + " must be a list of strings");
  for (const auto& item : n) {
    if (!item.IsScalar()) return fail(errc::invalid_argument, where + " must be a list of strings");
    out.push_back(item.as<std::string>());
  }
  return out;
}

result<access_rule> parse_rule(const YAML::Node& n, const std::string& where, bool is_default) {
  if (!n.IsMap()) return fail(errc::invalid_argument, where + " must be a mapping");
  static const std::set<std::string> keys = {"name",     "users",        "groups",
                                             "channels", "environments", "actions"};
  access_rule rule;
  for (const auto& kv : n) {
    const auto key = kv.first.as<std::string>();
    if (!keys.contains(key)) return fail(errc::invalid_argument, where + ": unknown key '" + key + "'");
    if (is_default && (key == "users" || key == "groups" || key == "channels")) {
      return fail(errc::invalid_argument,
                  where + ": the default rule applies to everyone; remove '" + key + "'");
    }
  }
  rule.name = is_default ? "default" : n["name"] ? n["name"].as<std::string>() : "";
  for (auto [key, field] :
       {std::pair{"users", &rule.users}, std::pair{"groups", &rule.groups},
        std::pair{"channels", &rule.channels}, std::pair{"environments", &rule.environments},
        std::pair{"actions", &rule.actions}}) {
    auto list = string_list(n[key], where + "." + key);
    if (!list) return tl::unexpected(list.error());
    *field = std::move(*list);
  }
  if (auto valid = validate_rule(rule, is_default); !valid) return tl::unexpected(valid.error());
  return rule;
}

result<access_policy> parse_access(const YAML::Node& n) {
  if (!n || n.IsNull()) return access_policy{};
  if (!n.IsMap()) return fail(errc::invalid_argument, "slack.access must be a mapping");
  for (const auto& kv : n) {
    const auto key = kv.first.as<std::string>();
    if (key != "default" && key != "rules") {
      return fail(errc::invalid_argument, "slack.access: unknown key '" + key + "'");
    }
  }
  access_rule default_rule{"default", {}, {}, {}, {}, {}};
  if (n["default"] && !n["default"].IsNull()) {
    auto d = parse_rule(n["default"], "slack.access.default", true);
    if (!d) return tl::unexpected(d.error());
    default_rule = std::move(*d);
  }
  std::vector<access_rule> rules;
  if (const auto list = n["rules"]; list && !list.IsNull()) {
    if (!list.IsSequence()) return fail(errc::invalid_argument, "slack.access.rules must be a list");
    for (std::size_t i = 0; i < list.size(); ++i) {
      auto r = parse_rule(list[i], "slack.access.rules[" + std::to_string(i) + "]", false);
      if (!r) return tl::unexpected(r.error());
      rules.push_back(std::move(*r));
    }
  }
  return access_policy(std::move(rules), std::move(default_rule));
}

result<slack_settings> parse_node(const YAML::Node& node, slack_settings s) {
  if (!node || node.IsNull()) return s;
  if (!node.IsMap()) return fail(errc::invalid_argument, "slack must be a mapping");
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    const auto& v = kv.second;
    if (key == "api_base_url") {
      s.api_base_url = v.as<std::string>();
      while (!s.api_base_url.empty() && s.api_base_url.back() == '/') s.api_base_url.pop_back();
    } else if (key == "response_url_prefixes") {
      auto list = string_list(v, "slack.response_url_prefixes");
      if (!list) return tl::unexpected(list.error());
      s.response_url_prefixes = std::move(*list);
    } else if (key == "default_channel") {
      s.default_channel = v.as<std::string>();
    } else if (key == "web_api_retries") {
      s.web_api_retries = v.as<int>();
      if (s.web_api_retries < 0 || s.web_api_retries > 10) {
        return fail(errc::invalid_argument, "slack.web_api_retries must be between 0 and 10");
      }
    } else if (key == "signature_tolerance" || key == "fast_read_timeout" || key == "web_api_timeout" ||
               key == "max_retry_after" || key == "usergroup_cache_ttl") {
      auto d = parse_millis(v, key);
      if (!d) return tl::unexpected(d.error());
      using std::chrono::duration_cast;
      if (key == "signature_tolerance") s.signature_tolerance = duration_cast<std::chrono::seconds>(*d);
      if (key == "fast_read_timeout") s.fast_read_timeout = *d;
      if (key == "web_api_timeout") s.web_api_timeout = *d;
      if (key == "max_retry_after") s.max_retry_after = duration_cast<std::chrono::seconds>(*d);
      if (key == "usergroup_cache_ttl") s.usergroup_cache_ttl = duration_cast<std::chrono::seconds>(*d);
    } else if (key == "shutdown_warnings") {
      s.shutdown_warnings = v.as<bool>();
    } else if (key == "access") {
      auto a = parse_access(v);
      if (!a) return tl::unexpected(a.error());
      s.access = std::move(*a);
    } else if (key == "signing_secret" || key == "bot_token") {
      return fail(errc::invalid_argument,
                  "slack." + key +
                      ": secrets are not read from the configuration file; set "
                      "DEVENV_SLACK_" +
                      (key == "bot_token" ? std::string("BOT_TOKEN") : "SIGNING_SECRET") +
                      " or its _FILE variant");
    } else {
      return fail(errc::invalid_argument, "slack: unknown key '" + key + "'");
    }
  }
  return s;
}

}  // namespace

result<slack_settings> parse_slack_settings(const YAML::Node& node, const env_lookup& env) {
  slack_settings s;
  try {
    auto parsed = parse_node(node, std::move(s));
    if (!parsed) return parsed;
    s = std::move(*parsed);
  } catch (const YAML::Exception& e) {
    return fail(errc::invalid_argument, std::string("slack: ") + e.what());
  }
  auto secret = read_secret(env, "DEVENV_SLACK_SIGNING_SECRET");
  if (!secret) return tl::unexpected(secret.error());
  auto token = read_secret(env, "DEVENV_SLACK_BOT_TOKEN");
  if (!token) return tl::unexpected(token.error());
  s.signing_secret = std::move(*secret);
  s.bot_token = std::move(*token);
  s.enabled = !s.signing_secret.empty();
  if (auto url = env("DEVENV_SLACK_API_BASE_URL"); url && !url->empty()) s.api_base_url = *url;
  return s;
}

}  // namespace devenv::slack
