// access_policy: who may do what through Slack. Rules name Slack subjects (user ids, user group ids, channel
// ids) and grant actions on environments matched by globs; a default rule grants to everyone. Rules only
// grant, so the answer is the union of every rule that applies; nothing is allowed unless a rule says so.
// Protected namespaces are refused before any rule is read: no rule can reach them. Pure and immutable after
// construction; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "env/protection.h"

namespace devenv::slack {

// The actions a rule can grant, as written in the configuration.
inline constexpr std::string_view access_actions[] = {"stop", "start",      "status",
                                                      "list", "prolongate", "support"};

struct access_rule {
  std::string name;                   // for denials and logs ("backend team"); "default" for the default rule
  std::vector<std::string> users;     // Slack user ids (U…/W…)
  std::vector<std::string> groups;    // Slack user group ids (S…), resolved through usergroups.users.list
  std::vector<std::string> channels;  // Slack channel ids (C…/G…/D…): anyone typing in that channel
  std::vector<std::string> environments;  // globs over namespace names (env::glob_match)
  std::vector<std::string> actions;       // a subset of access_actions, or "*"
};

// Who is asking: the user, where they typed, and the user groups they belong to (only those named by a rule
// need to be known).
struct access_subject {
  std::string user_id;
  std::string channel_id;
  std::vector<std::string> groups;
};

struct access_decision {
  bool allowed = false;
  std::string rule;         // the granting rule when allowed
  std::string explanation;  // mrkdwn for the person when denied (user input escaped)
};

class access_policy {
 public:
  // No rules and a default that grants nothing: a server whose configuration names no rule refuses all.
  access_policy() = default;
  access_policy(std::vector<access_rule> rules, access_rule default_rule);

  // `environment` is empty for actions on no environment (list). Protected names are refused by `protection`
  // whatever the rules say.
  access_decision decide(const access_subject& who, std::string_view action, std::string_view environment,
                         const env::protection_policy& protection) const;

  // The user group ids named by any rule: the only memberships worth resolving.
  std::vector<std::string> referenced_groups() const;

  const std::vector<access_rule>& rules() const { return rules_; }
  const access_rule& default_rule() const { return default_; }

 private:
  std::vector<access_rule> rules_;
  access_rule default_{"default", {}, {}, {}, {}, {}};
};

// Checks a rule as read from configuration: known actions, non-empty globs, at least one subject (except for
// the default rule). errc::invalid_argument naming the rule and the problem.
result<void> validate_rule(const access_rule& rule, bool is_default);

}  // namespace devenv::slack
