#include "slack/bot/usergroup_directory.h"

#include <algorithm>
#include <optional>

namespace devenv::slack {

usergroup_directory::usergroup_directory(fetch_members fetch, std::chrono::seconds ttl, clock now)
    : fetch_(std::move(fetch)), ttl_(ttl), now_(std::move(now)) {}

usergroup_directory::lookup usergroup_directory::groups_of(std::string_view user_id,
                                                           const std::vector<std::string>& candidates) {
  lookup out;
  for (const auto& group : candidates) {
    const auto now = now_();
    std::optional<std::vector<std::string>> members;
    {
      std::lock_guard lock(mutex_);
      if (auto it = cache_.find(group); it != cache_.end() && now - it->second.fetched < ttl_) {
        members = it->second.members;
      }
    }
    if (!members) {
      auto fetched = fetch_(group);
      std::lock_guard lock(mutex_);
      if (fetched) {
        std::sort(fetched->begin(), fetched->end());
        cache_[group] = entry{*fetched, now};
        members = std::move(*fetched);
      } else {
        out.errors.push_back(fetched.error());
        auto it = cache_.find(group);
        members = it != cache_.end() ? it->second.members : std::vector<std::string>{};
      }
    }
    if (std::binary_search(members->begin(), members->end(), std::string(user_id)))
      out.groups.push_back(group);
  }
  return out;
}

}  // namespace devenv::slack
