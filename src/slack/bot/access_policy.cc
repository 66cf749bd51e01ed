#include "slack/bot/access_policy.h"

#include <algorithm>

#include "slack/mrkdwn.h"

namespace devenv::slack {

namespace {

bool contains(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool applies_to(const access_rule& rule, const access_subject& who) {
  if (!who.user_id.empty() && contains(rule.users, who.user_id)) return true;
  if (!who.channel_id.empty() && contains(rule.channels, who.channel_id)) return true;
  return std::any_of(who.groups.begin(), who.groups.end(),
                     [&](const std::string& g) { return contains(rule.groups, g); });
}

bool grants(const access_rule& rule, std::string_view action, std::string_view environment) {
  if (!contains(rule.actions, "*") && !contains(rule.actions, action)) return false;
  if (environment.empty()) return true;
  return std::any_of(rule.environments.begin(), rule.environments.end(),
                     [&](const std::string& glob) { return env::glob_match(glob, environment); });
}

std::string join(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out.empty() ? "none" : out;
}

}  // namespace

access_policy::access_policy(std::vector<access_rule> rules, access_rule default_rule)
    : rules_(std::move(rules)), default_(std::move(default_rule)) {
  if (default_.name.empty()) default_.name = "default";
}

access_decision access_policy::decide(const access_subject& who, std::string_view action,
                                      std::string_view environment,
                                      const env::protection_policy& protection) const {
  access_decision d;
  if (!environment.empty() && protection.is_protected(environment)) {
    d.explanation = ":no_entry: " + quote_code(environment) +
                    " is a protected namespace: devenv-scaler never manages it, whoever asks.";
    return d;
  }
  std::vector<const access_rule*> applicable;
  for (const auto& rule : rules_) {
    if (applies_to(rule, who)) applicable.push_back(&rule);
  }
  applicable.push_back(&default_);
  for (const auto* rule : applicable) {
    if (grants(*rule, action, environment)) {
      d.allowed = true;
      d.rule = rule->name;
      return d;
    }
  }
  // Say which rules were considered and what they grant, so the person knows whom to ask and for what.
  d.explanation = ":no_entry: You may not *" + escape_mrkdwn(action) + "*" +
                  (environment.empty() ? std::string() : " " + quote_code(environment)) +
                  ": no access rule that applies to you grants it.";
  for (const auto* rule : applicable) {
    d.explanation += "\n• rule *" + escape_mrkdwn(rule->name) + "*: actions " +
                     escape_mrkdwn(join(rule->actions)) + " on " + escape_mrkdwn(join(rule->environments));
  }
  d.explanation += "\nAsk an administrator of devenv-scaler to extend the `slack.access` rules.";
  return d;
}

std::vector<std::string> access_policy::referenced_groups() const {
  std::vector<std::string> out;
  for (const auto& rule : rules_) {
    for (const auto& g : rule.groups) {
      if (!contains(out, g)) out.push_back(g);
    }
  }
  return out;
}

result<void> validate_rule(const access_rule& rule, bool is_default) {
  const std::string where = "access rule '" + rule.name + "'";
  if (!is_default && rule.name.empty()) return fail(errc::invalid_argument, "an access rule has no name");
  if (!is_default && rule.users.empty() && rule.groups.empty() && rule.channels.empty()) {
    return fail(errc::invalid_argument, where + " names no users, groups or channels");
  }
  for (const auto& a : rule.actions) {
    if (a == "*") continue;
    if (std::find(std::begin(access_actions), std::end(access_actions), a) == std::end(access_actions)) {
      return fail(errc::invalid_argument, where + ": unknown action '" + a +
                                              "' (stop, start, status, list, prolongate, support or *)");
    }
  }
  for (const auto& glob : rule.environments) {
    if (glob.empty()) return fail(errc::invalid_argument, where + ": an empty environment glob");
  }
  return {};
}

}  // namespace devenv::slack
