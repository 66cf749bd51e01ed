#include "server/webhook_config.h"

#include <algorithm>
#include <cctype>

namespace kubesim {

using nlohmann::json;

namespace {

std::vector<std::string> strings_of(const json& object, const char* key) {
  std::vector<std::string> out;
  if (!object.is_object() || !object.contains(key) || !object[key].is_array()) return out;
  for (const auto& value : object[key]) {
    if (value.is_string()) out.push_back(value.get<std::string>());
  }
  return out;
}

bool contains_or_star(const std::vector<std::string>& values, std::string_view wanted) {
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& value) { return value == "*" || value == wanted; });
}

bool resource_matches(const std::vector<std::string>& resources, std::string_view resource) {
  // No subresource here: "*" and "x" match the main resource, "*/*" matches everything.
  return std::any_of(resources.begin(), resources.end(), [&](const std::string& value) {
    return value == "*" || value == "*/*" || value == resource;
  });
}

std::string label_of(const json& labels, const std::string& key, bool& present) {
  present = labels.is_object() && labels.contains(key) && labels[key].is_string();
  return present ? labels[key].get<std::string>() : std::string();
}

}  // namespace

std::vector<webhook> parse_webhook_configuration(const json& configuration, bool mutating,
                                                 std::vector<std::string>* problems) {
  std::vector<webhook> hooks;
  if (!configuration.is_object()) return hooks;
  const std::string config_name = configuration.value(json::json_pointer("/metadata/name"), std::string());
  if (!configuration.contains("webhooks") || !configuration["webhooks"].is_array()) return hooks;
  auto problem = [&](const std::string& text) {
    if (problems) problems->push_back(config_name + ": " + text);
  };
  for (const auto& entry : configuration["webhooks"]) {
    if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) {
      problem("a webhook without a name");
      continue;
    }
    webhook hook;
    hook.configuration = config_name;
    hook.mutating = mutating;
    hook.name = entry["name"].get<std::string>();
    const json client = entry.value("clientConfig", json::object());
    if (client.is_object()) {
      hook.url = client.value("url", "");
      if (client.contains("service") && client["service"].is_object()) {
        const json& service = client["service"];
        hook.service_namespace = service.value("namespace", "");
        hook.service_name = service.value("name", "");
        hook.service_path = service.value("path", "");
        if (service.contains("port") && service["port"].is_number_integer())
          hook.service_port = service["port"].get<int>();
      }
      const std::string bundle = client.value("caBundle", "");
      if (!bundle.empty()) {
        auto pem = base64_decode(bundle);
        if (!pem) {
          problem(hook.name + ": caBundle is not base64");
          continue;
        }
        hook.ca_bundle_pem = std::move(*pem);
      }
    }
    hook.fail_closed = entry.value("failurePolicy", "Fail") != "Ignore";
    if (entry.contains("timeoutSeconds") && entry["timeoutSeconds"].is_number_integer()) {
      // The apiserver refuses values outside 1..30 at creation; clamp rather than refuse here.
      hook.timeout = std::chrono::seconds(std::clamp(entry["timeoutSeconds"].get<int>(), 1, 30));
    }
    hook.side_effects = entry.value("sideEffects", "None");
    if (entry.contains("namespaceSelector") && entry["namespaceSelector"].is_object())
      hook.namespace_selector = entry["namespaceSelector"];
    if (entry.contains("objectSelector") && entry["objectSelector"].is_object())
      hook.object_selector = entry["objectSelector"];
    if (entry.contains("rules") && entry["rules"].is_array()) {
      for (const auto& rule_json : entry["rules"]) {
        webhook_rule rule;
        rule.operations = strings_of(rule_json, "operations");
        rule.api_groups = strings_of(rule_json, "apiGroups");
        rule.api_versions = strings_of(rule_json, "apiVersions");
        rule.resources = strings_of(rule_json, "resources");
        if (rule_json.is_object()) rule.scope = rule_json.value("scope", "*");
        hook.rules.push_back(std::move(rule));
      }
    }
    hooks.push_back(std::move(hook));
  }
  return hooks;
}

bool rules_match(const webhook& hook, std::string_view operation, const resource_kind& kind) {
  return std::any_of(hook.rules.begin(), hook.rules.end(), [&](const webhook_rule& rule) {
    const bool scope_ok = rule.scope == "*" || (rule.scope == "Cluster" && !kind.namespaced) ||
                          (rule.scope == "Namespaced" && kind.namespaced);
    return scope_ok && contains_or_star(rule.operations, operation) &&
           contains_or_star(rule.api_groups, kind.group) &&
           contains_or_star(rule.api_versions, kind.version) &&
           resource_matches(rule.resources, kind.resource);
  });
}

result<bool> label_selector_matches(const json& selector, const json& labels) {
  if (selector.is_null()) return true;
  if (!selector.is_object())
    return tl::unexpected(api_error::bad_request("a label selector must be an object"));
  if (selector.contains("matchLabels")) {
    const json& wanted = selector["matchLabels"];
    if (!wanted.is_object() && !wanted.is_null())
      return tl::unexpected(api_error::bad_request("matchLabels must be an object"));
    if (wanted.is_object()) {
      for (const auto& [key, value] : wanted.items()) {
        bool present = false;
        if (label_of(labels, key, present) != value || !present) return false;
      }
    }
  }
  if (selector.contains("matchExpressions") && !selector["matchExpressions"].is_null()) {
    if (!selector["matchExpressions"].is_array())
      return tl::unexpected(api_error::bad_request("matchExpressions must be a list"));
    for (const auto& expression : selector["matchExpressions"]) {
      if (!expression.is_object() || !expression.contains("key") || !expression["key"].is_string())
        return tl::unexpected(api_error::bad_request("a matchExpressions entry needs a key"));
      const std::string key = expression["key"].get<std::string>();
      const std::string op = expression.value("operator", "");
      const std::vector<std::string> values = strings_of(expression, "values");
      bool present = false;
      const std::string value = label_of(labels, key, present);
      const bool listed = std::find(values.begin(), values.end(), value) != values.end();
      if (op == "In") {
        if (values.empty()) return tl::unexpected(api_error::bad_request("operator In needs values"));
        if (!present || !listed) return false;
      } else if (op == "NotIn") {
        if (values.empty()) return tl::unexpected(api_error::bad_request("operator NotIn needs values"));
        if (present && listed) return false;
      } else if (op == "Exists") {
        if (!present) return false;
      } else if (op == "DoesNotExist") {
        if (present) return false;
      } else {
        return tl::unexpected(
            api_error::bad_request("\"" + op + "\" is not a valid label selector operator"));
      }
    }
  }
  return true;
}

std::optional<webhook_endpoint> resolve_endpoint(
    const webhook& hook, const std::map<std::string, std::string>& service_endpoints) {
  if (!hook.url.empty()) return webhook_endpoint{hook.url, ""};
  if (hook.service_name.empty()) return std::nullopt;
  const auto found = service_endpoints.find(hook.service_namespace + "/" + hook.service_name);
  if (found == service_endpoints.end()) return std::nullopt;
  const std::string& target = found->second;
  const auto colon = target.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = target.substr(0, colon);
  const std::string port = target.substr(colon + 1);
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string dns = hook.service_name + "." + hook.service_namespace + ".svc";
  std::string path = hook.service_path.empty() ? "/" : hook.service_path;
  if (path.front() != '/') path.insert(path.begin(), '/');
  const bool v6 = host.find(':') != std::string::npos;
  return webhook_endpoint{"https://" + dns + ":" + port + path,
                          dns + ":" + port + ":" + (v6 ? "[" + host + "]" : host)};
}

std::optional<std::string> base64_decode(std::string_view text) {
  auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  bool padding = false;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    if (padding) return std::nullopt;  // data after padding
    const int v = value_of(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone trailing character
  return out;
}

}  // namespace kubesim
