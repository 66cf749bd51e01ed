// usergroup_directory: which of the user groups named by access rules a Slack user belongs to. A slash
// command does not carry the user's groups, so members are fetched per group (usergroups.users.list, scope
// usergroups:read) and cached for a TTL. A failed refresh keeps serving the previous members (a Slack hiccup
// should not revoke access) and is reported; a group never fetched counts as empty (fail closed).
//
// Thread-safety: safe to call from any number of threads; a fetch runs outside the lock, so two threads may
// fetch the same expired group at once (harmless: the later answer wins).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace devenv::slack {

class usergroup_directory {
 public:
  using fetch_members = std::function<result<std::vector<std::string>>(std::string_view group_id)>;
  using clock = std::function<std::chrono::steady_clock::time_point()>;

  usergroup_directory(fetch_members fetch, std::chrono::seconds ttl, clock now);

  struct lookup {
    std::vector<std::string> groups;  // of `candidates`, the ones `user_id` is a member of
    std::vector<error> errors;        // fetches that failed (their cached or empty answer was used)
  };
  // Blocking (may call Slack); run it on the worker pool.
  lookup groups_of(std::string_view user_id, const std::vector<std::string>& candidates);

 private:
  struct entry {
    std::vector<std::string> members;  // sorted
    std::chrono::steady_clock::time_point fetched;
  };
  fetch_members fetch_;
  std::chrono::seconds ttl_;
  clock now_;
  std::mutex mutex_;
  std::map<std::string, entry, std::less<>> cache_;
};

}  // namespace devenv::slack
