#include "notify/notice_render.h"

#include <fmt/format.h>

#include <vector>

#include "slack/bot/interactions.h"
#include "slack/mrkdwn.h"

namespace devenv::notify {

namespace {

std::string mention(const notice_item& item) {
  // A user id is all Slack needs to notify someone; anything else in the annotation is shown, not pinged.
  if (item.owner.empty()) return {};
  const bool user_id =
      (item.owner[0] == 'U' || item.owner[0] == 'W') &&
      item.owner.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos;
  return user_id ? "<@" + item.owner + ">" : slack::escape_mrkdwn(item.owner);
}

std::string minutes_text(std::chrono::minutes m) {
  return m.count() == 1 ? "1 minute" : fmt::format("{} minutes", m.count());
}

std::vector<slack::button> buttons_for(const std::string& ns) {
  return {{"Extend 1h", std::string(slack::extend_1h_action), ns, slack::button_style::primary},
          {"Extend 2h", std::string(slack::extend_2h_action), ns, slack::button_style::plain},
          {"Stop now", std::string(slack::stop_now_action), ns, slack::button_style::danger}};
}

}  // namespace

std::string local_time(time_point t, const date::time_zone* zone) {
  const auto s = std::chrono::floor<std::chrono::seconds>(t);
  if (zone == nullptr) return date::format("%H:%M UTC", s);
  return date::format("%H:%M %Z", date::make_zoned(zone, s));
}

slack::message render_warning(const planned_notice& notice, const date::time_zone* zone) {
  slack::message m;
  m.type = slack::response_type::in_channel;
  const std::string when =
      fmt::format("in {} ({})", minutes_text(notice.remaining), local_time(notice.shutdown, zone));
  std::vector<std::string> names;
  for (const auto& item : notice.items) names.push_back(slack::quote_code(item.ns));
  if (notice.items.size() == 1) {
    const auto& item = notice.items.front();
    const std::string who = mention(item);
    m.text = fmt::format(":hourglass_flowing_sand: {} stops {}{}", names.front(), when,
                         who.empty() ? "" : " " + who);
    m.body.section(m.text + ".");
  } else {
    m.text = fmt::format(":hourglass_flowing_sand: {} environments stop {}: {}", notice.items.size(), when,
                         fmt::join(names, ", "));
    m.body.section(fmt::format(":hourglass_flowing_sand: These environments stop {}:", when));
  }
  for (std::size_t i = 0; i < notice.items.size(); ++i) {
    const auto& item = notice.items[i];
    if (notice.items.size() > 1) {
      const std::string who = mention(item);
      m.body.section(names[i] + (who.empty() ? "" : " · " + who));
    }
    // Values are namespace names (≤ 63 characters), far below Slack's limit: this cannot fail.
    const auto buttons = buttons_for(item.ns);
    (void)m.body.actions(buttons);
  }
  const std::vector<std::string> hint{
      "Nothing to do if it may stop. `/devenv prolongate <env> <duration>` works too."};
  m.body.context(hint);
  return m;
}

slack::message render_stopped(const planned_notice& notice, const date::time_zone* zone) {
  slack::message m;
  m.type = slack::response_type::in_channel;
  std::vector<std::string> names;
  std::vector<std::string> mentions;
  for (const auto& item : notice.items) {
    names.push_back(slack::quote_code(item.ns));
    if (auto who = mention(item); !who.empty()) mentions.push_back(who);
  }
  const auto& first = notice.items.front().ns;
  m.text =
      fmt::format(":zzz: The scheduled shutdown ({}) stopped {}{}. Bring it back with `/devenv start {}`.",
                  local_time(notice.shutdown, zone), fmt::join(names, ", "),
                  mentions.empty() ? "" : fmt::format(" ({})", fmt::join(mentions, " ")),
                  notice.items.size() == 1 ? slack::escape_mrkdwn(first) : "<env>");
  m.body.section(m.text);
  const std::vector<std::string> hint{
      "Every workload's replica count was saved; `start` restores exactly those counts."};
  m.body.context(hint);
  return m;
}

slack::message render_notice(const planned_notice& notice, const date::time_zone* zone) {
  return notice.kind == notice_kind::warning ? render_warning(notice, zone) : render_stopped(notice, zone);
}

}  // namespace devenv::notify
