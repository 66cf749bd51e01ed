#include "slack/bot/support_render.h"

#include <fmt/format.h>

#include "core/duration.h"
#include "core/rfc3339.h"
#include "slack/mrkdwn.h"

namespace devenv::slack {

namespace {

std::string minutes(std::chrono::seconds s) {
  return format_duration(std::chrono::round<std::chrono::minutes>(s));
}

// Slack renders <!date^…> in the reader's own time zone; the fallback is used by old clients.
std::string slack_date(std::chrono::system_clock::time_point t) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return fmt::format("<!date^{}^{{date_short_pretty}} {{time}}|{}>", seconds, format_rfc3339(t));
}

std::string resources(const support::size_resources& r) {
  return fmt::format(
      "CPU {}–{}, memory {}", r.cpu_request, r.cpu_limit,
      r.memory_request == r.memory_limit ? r.memory_limit : r.memory_request + "–" + r.memory_limit);
}

std::string_view phase_emoji(const support::support_pod& p) {
  if (p.phase == "Running") return ":large_green_circle:";
  if (p.phase == "Pending") return ":hourglass_flowing_sand:";
  if (p.finished()) return ":black_circle:";
  return ":grey_question:";
}

bool is_slack_user(std::string_view id) {
  if (id.size() < 2 || (id[0] != 'U' && id[0] != 'W')) return false;
  for (const char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

std::string render_owner(std::string_view owner) {
  if (is_slack_user(owner)) return fmt::format("<@{}>", owner);
  return quote_code(owner.empty() ? std::string_view("unknown") : owner, 63);
}

message render_support_started(const support::support_pod& pod, std::chrono::system_clock::time_point now) {
  message m;
  const std::string attach = support::attach_command(pod.ns, pod.name);
  m.text = fmt::format(":toolbox: Support pod {} ({}) started for {}. It ends in {} ({}). Attach with `{}`",
                       quote_code(pod.name, 63), escape_mrkdwn(pod.size), render_owner(pod.owner),
                       minutes(pod.time_left(now)), slack_date(pod.expires), escape_mrkdwn(attach));
  m.body.section(fmt::format(":toolbox: Support pod {} started for {}", quote_code(pod.name, 63),
                             render_owner(pod.owner)));
  const std::vector<std::string> fields = {
      fmt::format("*Size*\n{}", escape_mrkdwn(pod.size)),
      fmt::format("*Resources*\n{}", escape_mrkdwn(resources(pod.resources))),
      fmt::format("*Lifetime*\n{}", minutes(pod.lifetime)),
      fmt::format("*Ends*\n{} (Kubernetes stops it)", slack_date(pod.expires)),
  };
  m.body.fields(fields);
  m.body.section(fmt::format("Attach:\n```{}```", escape_mrkdwn(attach)));
  return m;
}

message render_support_stopped(const support::support_pod& pod, std::string_view actor) {
  message m;
  m.text = fmt::format(":wastebasket: Support pod {} ({}, owner {}) stopped by {}.", quote_code(pod.name, 63),
                       escape_mrkdwn(pod.size), render_owner(pod.owner), render_owner(actor));
  m.body.section(m.text);
  return m;
}

message render_support_list(const std::vector<support::support_pod>& pods, std::string_view ns,
                            std::chrono::system_clock::time_point now) {
  message m;
  if (pods.empty()) {
    m.text = fmt::format("No support pods in {}. Start one with `/devenv support start <name> [size]`.",
                         quote_code(ns, 63));
    m.body.section(m.text);
    return m;
  }
  std::vector<std::string> lines;
  for (const auto& p : pods) {
    std::string phase = escape_mrkdwn(p.phase);
    if (!p.reason.empty()) phase += " (" + escape_mrkdwn(p.reason) + ")";
    const std::string left = p.finished() ? "ended" : minutes(p.time_left(now)) + " left";
    lines.push_back(fmt::format("{} {} · {} · {} · age {} · {} · {}", phase_emoji(p), quote_code(p.name, 63),
                                escape_mrkdwn(p.size), render_owner(p.owner), minutes(p.age(now)), phase,
                                left));
  }
  m.text =
      fmt::format("{} support pod{} in {}", pods.size(), pods.size() == 1 ? "" : "s", quote_code(ns, 63));
  m.body.section("*" + m.text + "*");
  m.body.list(lines, 100);
  return m;
}

message render_support_failure(std::string_view action, std::string_view name, const error& e,
                               const support::support_settings& settings) {
  message m;
  std::string why = escape_mrkdwn(e.message);
  if (e.code == errc::unavailable || e.code == errc::timeout || e.code == errc::too_many_requests) {
    why =
        "Kubernetes did not answer in time; nothing may have changed. Try again in a minute.\n_" + why + "_";
  }
  m.text = fmt::format(":x: Could not {} support pod{}: {}", escape_mrkdwn(action),
                       name.empty() ? std::string() : " " + quote_code(name, 63), why);
  m.body.section(m.text);
  if (action == "start" && e.code == errc::invalid_argument) {
    std::vector<std::string> sizes;
    for (const auto size : support::size_names) {
      const auto it = settings.sizes.find(size);
      if (it != settings.sizes.end()) {
        sizes.push_back(fmt::format("*{}* {}", size, escape_mrkdwn(resources(it->second))));
      }
    }
    m.text += "\nSizes: " + support::size_list();
    m.body.context(sizes);
  }
  return m;
}

}  // namespace devenv::slack
