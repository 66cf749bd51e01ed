#include "inventory/aws_settings.h"

#include <fmt/format.h>

#include <charconv>
#include <set>

namespace devenv::inventory {
namespace {

result<std::chrono::seconds> parse_seconds(const std::string& text, std::string_view key) {
  long long number = 0;
  const char* end_of_text = text.data() + text.size();
  auto [end, ec] = std::from_chars(text.data(), end_of_text, number);
  const std::string_view unit(end, static_cast<std::size_t>(end_of_text - end));
  if (ec != std::errc() || number < 0)
    return fail(errc::invalid_argument, fmt::format("aws.{}: not a duration", key));
  if (unit.empty() || unit == "s") return std::chrono::seconds(number);
  if (unit == "m") return std::chrono::seconds(number * 60);
  if (unit == "h") return std::chrono::seconds(number * 3600);
  return fail(errc::invalid_argument, fmt::format("aws.{}: unit must be s, m or h", key));
}

result<bool> parse_bool(const std::string& text, std::string_view key) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return fail(errc::invalid_argument, fmt::format("aws.{}: must be true or false", key));
}

result<store_kind> parse_store(const std::string& text) {
  if (text == "sqlite") return store_kind::sqlite;
  if (text == "dynamodb") return store_kind::dynamodb;
  return fail(errc::invalid_argument, "aws.store must be sqlite or dynamodb");
}

result<void> parse_tags(const YAML::Node& n, tag_keys& tags) {
  if (!n || n.IsNull()) return {};
  if (!n.IsMap()) return fail(errc::invalid_argument, "aws.tags must be a mapping");
  for (const auto& kv : n) {
    const auto key = kv.first.as<std::string>();
    const auto value = kv.second.as<std::string>();
    if (key == "namespace_key") {
      tags.namespace_key = value;
    } else if (key == "scheduler_key") {
      tags.scheduler_key = value;
    } else if (key == "scheduler_value") {
      tags.scheduler_value = value;
    } else {
      return fail(errc::invalid_argument, fmt::format("aws.tags: unknown key '{}'", key));
    }
  }
  return {};
}

result<void> parse_node(const YAML::Node& node, aws_settings& s) {
  if (!node || node.IsNull()) return {};
  if (!node.IsMap()) return fail(errc::invalid_argument, "aws must be a mapping");
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    const auto& v = kv.second;
    if (key == "tags") {
      if (auto r = parse_tags(v, s.tags); !r) return r;
      continue;
    }
    if (!v.IsScalar()) return fail(errc::invalid_argument, fmt::format("aws.{} must be a scalar", key));
    const auto text = v.as<std::string>();
    result<void> r;
    auto take = [&](auto parsed, auto& field) {
      if (!parsed) {
        r = tl::unexpected(parsed.error());
      } else {
        field = *parsed;
      }
    };
    if (key == "enabled") {
      take(parse_bool(text, key), s.enabled);
    } else if (key == "create_table") {
      take(parse_bool(text, key), s.create_table);
    } else if (key == "wait_for_ready") {
      take(parse_bool(text, key), s.wait_for_ready);
    } else if (key == "refresh_period") {
      take(parse_seconds(text, key), s.refresh_period);
    } else if (key == "guard_period") {
      take(parse_seconds(text, key), s.guard_period);
    } else if (key == "wait_timeout") {
      take(parse_seconds(text, key), s.wait_timeout);
    } else if (key == "wait_interval") {
      take(parse_seconds(text, key), s.wait_interval);
    } else if (key == "store") {
      take(parse_store(text), s.store);
    } else if (key == "region") {
      s.region = text;
    } else if (key == "sqlite_path") {
      s.sqlite_path = text;
    } else if (key == "dynamodb_table") {
      s.dynamodb_table = text;
    } else {
      return fail(errc::invalid_argument, fmt::format("aws: unknown key '{}'", key));
    }
    if (!r) return r;
  }
  return {};
}

result<void> apply_env(const env_lookup& env, aws_settings& s) {
  if (s.region.empty()) {
    for (const char* var : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
      if (auto v = env(var); v && !v->empty()) {
        s.region = *v;
        break;
      }
    }
  }
  if (auto v = env("DEVENV_AWS_REGION"); v && !v->empty()) s.region = *v;
  if (auto v = env("DEVENV_AWS_ENABLED")) {
    auto b = parse_bool(*v, "enabled (DEVENV_AWS_ENABLED)");
    if (!b) return tl::unexpected(b.error());
    s.enabled = *b;
  }
  if (auto v = env("DEVENV_AWS_STORE")) {
    auto k = parse_store(*v);
    if (!k) return tl::unexpected(k.error());
    s.store = *k;
  }
  if (auto v = env("DEVENV_AWS_SQLITE_PATH")) s.sqlite_path = *v;
  if (auto v = env("DEVENV_AWS_DYNAMODB_TABLE")) s.dynamodb_table = *v;
  return {};
}

result<void> validate(const aws_settings& s) {
  if (s.tags.namespace_key.empty() || s.tags.scheduler_key.empty() || s.tags.scheduler_value.empty()) {
    return fail(errc::invalid_argument, "aws.tags: keys and value must not be empty");
  }
  if (s.refresh_period < std::chrono::seconds(5)) {
    return fail(errc::invalid_argument, "aws.refresh_period must be at least 5s");
  }
  if (s.guard_period < s.refresh_period) {
    return fail(errc::invalid_argument, "aws.guard_period must not be shorter than aws.refresh_period");
  }
  if (s.wait_interval < std::chrono::seconds(1)) {
    return fail(errc::invalid_argument, "aws.wait_interval must be at least 1s");
  }
  if (s.store == store_kind::sqlite && s.sqlite_path.empty()) {
    return fail(errc::invalid_argument, "aws.sqlite_path is empty");
  }
  if (s.store == store_kind::dynamodb && s.dynamodb_table.empty()) {
    return fail(errc::invalid_argument, "aws.dynamodb_table is empty");
  }
  return {};
}

}  // namespace

result<aws_settings> parse_aws_settings(const YAML::Node& node, const env_lookup& env) {
  aws_settings s;
  try {
    if (auto r = parse_node(node, s); !r) return tl::unexpected(r.error());
  } catch (const YAML::Exception& e) {
    return fail(errc::invalid_argument, fmt::format("aws: {}", e.what()));
  }
  if (auto r = apply_env(env, s); !r) return tl::unexpected(r.error());
  if (auto r = validate(s); !r) return tl::unexpected(r.error());
  return s;
}

}  // namespace devenv::inventory
