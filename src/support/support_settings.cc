#include "support/support_settings.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "core/duration.h"
#include "core/yaml_json.h"
#include "support/resource_quantity.h"
#include "support/support_name.h"

namespace devenv::support {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

result<std::vector<std::string>> string_list(const YAML::Node& n, const std::string& where) {
  std::vector<std::string> out;
  if (!n || n.IsNull()) return out;
  if (!n.IsSequence()) return fail(errc::invalid_argument, where + " must be a list of strings");
  for (const auto& item : n) {
    if (!item.IsScalar()) return fail(errc::invalid_argument, where + " must be a list of strings");
    out.push_back(item.as<std::string>());
  }
  return out;
}

result<std::chrono::seconds> parse_lifetime(const YAML::Node& n) {
  const auto text = n.as<std::string>();
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && end == text.data() + text.size()) {
    if (seconds <= 0) return fail(errc::invalid_argument, "support.max_lifetime must be more than zero");
    return std::chrono::seconds(seconds);
  }
  auto d = parse_duration(text);
  if (!d) return fail(errc::invalid_argument, "support.max_lifetime: " + d.error().message);
  return std::chrono::duration_cast<std::chrono::seconds>(*d);
}

result<void> check_size(const std::string& name, const size_resources& r) {
  const std::string where = "support.sizes." + name;
  struct pair_t {
    const char* what;
    const std::string* request;
    const std::string* limit;
  };
  for (const auto& [what, request, limit] :
       {pair_t{"cpu", &r.cpu_request, &r.cpu_limit}, pair_t{"memory", &r.memory_request, &r.memory_limit}}) {
    auto req = parse_quantity(*request);
    if (!req) return fail(errc::invalid_argument, where + "." + what + "_request: " + req.error().message);
    auto lim = parse_quantity(*limit);
    if (!lim) return fail(errc::invalid_argument, where + "." + what + "_limit: " + lim.error().message);
    if (*req > *lim) {
      return fail(errc::invalid_argument, fmt::format("{}: {}_request {} is more than {}_limit {}", where,
                                                      what, *request, what, *limit));
    }
  }
  return {};
}

result<void> parse_sizes(const YAML::Node& n, support_settings& s) {
  if (!n || n.IsNull()) return {};
  if (!n.IsMap()) return fail(errc::invalid_argument, "support.sizes must be a mapping of XS, S, M, L, XL");
  static const std::set<std::string> fields = {"cpu_request", "cpu_limit", "memory_request", "memory_limit"};
  for (const auto& kv : n) {
    const auto name = upper(kv.first.as<std::string>());
    const auto it = s.sizes.find(name);
    if (it == s.sizes.end()) {
      return fail(errc::invalid_argument, "support.sizes: unknown size '" + kv.first.as<std::string>() +
                                              "' (sizes: " + size_list() + ")");
    }
    if (!kv.second.IsMap())
      return fail(errc::invalid_argument, "support.sizes." + name + " must be a mapping");
    for (const auto& f : kv.second) {
      const auto key = f.first.as<std::string>();
      if (!fields.contains(key)) {
        return fail(errc::invalid_argument, "support.sizes." + name + ": unknown key '" + key + "'");
      }
      if (!f.second.IsScalar()) {
        return fail(errc::invalid_argument, "support.sizes." + name + "." + key + " must be a quantity");
      }
      const auto value = f.second.as<std::string>();
      auto& r = it->second;
      if (key == "cpu_request") r.cpu_request = value;
      if (key == "cpu_limit") r.cpu_limit = value;
      if (key == "memory_request") r.memory_request = value;
      if (key == "memory_limit") r.memory_limit = value;
    }
  }
  return {};
}

result<void> parse_into(const YAML::Node& node, support_settings& s) {
  static const std::set<std::string> keys = {"enabled", "namespace",       "kind",           "image",
                                             "command", "service_account", "node_selector",  "tolerations",
                                             "sizes",   "max_lifetime",    "per_user_limit", "admins"};
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    if (!keys.contains(key)) return fail(errc::invalid_argument, "support: unknown key '" + key + "'");
  }
  s.enabled = true;
  if (const auto n = node["enabled"]; n && !n.IsNull()) s.enabled = n.as<bool>();
  if (const auto n = node["kind"]; n && !n.IsNull() && n.as<std::string>() != "Pod") {
    // A Job's pod gets a generated name, so `kubectl exec <name>` from the reply would not work; see
    // docs/support-pods.md.
    return fail(errc::invalid_argument, "support.kind: only Pod is supported (see docs/support-pods.md)");
  }
  if (const auto n = node["namespace"]; n && !n.IsNull()) s.ns = n.as<std::string>();
  if (auto valid = validate_name(s.ns, "support.namespace"); !valid) return valid;
  if (const auto n = node["image"]; n && !n.IsNull()) s.image = n.as<std::string>();
  if (s.image.empty()) return fail(errc::invalid_argument, "support.image must not be empty");
  if (const auto n = node["command"]; n && !n.IsNull()) {
    auto command = string_list(n, "support.command");
    if (!command) return tl::unexpected(command.error());
    s.command = std::move(*command);
  }
  if (const auto n = node["service_account"]; n && !n.IsNull()) s.service_account = n.as<std::string>();
  if (!s.service_account.empty()) {
    if (auto valid = validate_name(s.service_account, "support.service_account"); !valid) return valid;
  }
  if (const auto n = node["node_selector"]; n && !n.IsNull()) {
    if (!n.IsMap()) return fail(errc::invalid_argument, "support.node_selector must be a mapping");
    for (const auto& kv : n) s.node_selector[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  if (const auto n = node["tolerations"]; n && !n.IsNull()) {
    if (!n.IsSequence()) return fail(errc::invalid_argument, "support.tolerations must be a list");
    YAML::Emitter out;
    out << YAML::Flow << n;
    auto docs = parse_yaml_documents(out.c_str());
    if (!docs || docs->size() != 1 || !(*docs)[0].is_array()) {
      return fail(errc::invalid_argument, "support.tolerations must be a list of tolerations");
    }
    for (const auto& t : (*docs)[0]) {
      if (!t.is_object()) return fail(errc::invalid_argument, "support.tolerations: each must be a mapping");
    }
    s.tolerations = (*docs)[0];
  }
  if (auto sizes = parse_sizes(node["sizes"], s); !sizes) return sizes;
  for (const auto& [name, r] : s.sizes) {
    if (auto ok = check_size(name, r); !ok) return ok;
  }
  if (const auto n = node["max_lifetime"]; n && !n.IsNull()) {
    auto lifetime = parse_lifetime(n);
    if (!lifetime) return tl::unexpected(lifetime.error());
    s.max_lifetime = *lifetime;
  }
  if (const auto n = node["per_user_limit"]; n && !n.IsNull()) {
    s.per_user_limit = n.as<int>();
    if (s.per_user_limit < 0) return fail(errc::invalid_argument, "support.per_user_limit must be 0 or more");
  }
  auto admins = string_list(node["admins"], "support.admins");
  if (!admins) return tl::unexpected(admins.error());
  s.admins = std::move(*admins);
  return {};
}

}  // namespace

std::string size_list() {
  std::string out;
  for (const auto name : size_names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

result<std::string> support_settings::resolve_size(std::string_view name) const {
  const std::string wanted = name.empty() ? std::string(default_size) : upper(name);
  if (sizes.contains(wanted)) return wanted;
  return fail(errc::invalid_argument,
              "unknown size '" + std::string(name.substr(0, 16)) + "'; sizes: " + size_list());
}

bool support_settings::is_admin(std::string_view owner) const {
  return std::find(admins.begin(), admins.end(), owner) != admins.end();
}

result<support_settings> parse_support_settings(const YAML::Node& node) {
  support_settings s;
  if (!node || node.IsNull()) return s;
  if (!node.IsMap()) return fail(errc::invalid_argument, "support must be a mapping");
  try {
    if (auto ok = parse_into(node, s); !ok) return tl::unexpected(ok.error());
  } catch (const YAML::Exception& e) {
    return fail(errc::invalid_argument, std::string("support: ") + e.what());
  }
  return s;
}

}  // namespace devenv::support
