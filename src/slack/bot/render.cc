#include "slack/bot/render.h"

#include <fmt/format.h>

#include <map>

#include "core/duration.h"
#include "core/rfc3339.h"
#include "slack/mrkdwn.h"

namespace devenv::slack {

namespace {

std::string_view present_participle(env::env_action a) {
  return a == env::env_action::stop ? "Stopping" : "Starting";
}
std::string_view past(env::env_action a) {
  return a == env::env_action::stop ? "stopped" : "started";
}

// Slack renders <!date^…> in the reader's own time zone; the fallback is used by old clients.
std::string slack_date(std::chrono::system_clock::time_point t) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return fmt::format("<!date^{}^{{date_short_pretty}} {{time}}|{}>", seconds, format_rfc3339(t));
}

std::string_view state_emoji(env::env_state s) {
  switch (s) {
    case env::env_state::running:
      return ":large_green_circle:";
    case env::env_state::stopped:
      return ":black_circle:";
    case env::env_state::starting:
      return ":hourglass_flowing_sand:";
    case env::env_state::partly_running:
      return ":large_orange_circle:";
    case env::env_state::not_managed:
      return ":no_entry:";
    case env::env_state::not_found:
      return ":grey_question:";
  }
  return "";
}

std::string kind_name(env::workload_kind k) {
  return std::string(env::to_string(k));
}

}  // namespace

message render_ack(env::env_action action, std::string_view environment) {
  message m;
  m.text = fmt::format("{} {}…", present_participle(action), quote_code(environment, 63));
  m.body.section(m.text);
  return m;
}

message render_pending_read(std::string_view what) {
  message m;
  m.text = fmt::format("Looking up {}… the answer follows in a moment.", what);
  m.body.section(m.text);
  return m;
}

message render_report(const env::operation_report& report, const slack_actor& actor) {
  message m;
  m.type = response_type::in_channel;
  const std::string who = "<@" + escape_mrkdwn(actor.user_id) + ">";
  const std::string env_name = quote_code(report.ns, 63);
  std::string head;
  if (report.failed == 0) {
    head = fmt::format(":white_check_mark: {} {} {}: {} workload{} changed, {} unchanged.", who,
                       past(report.action), env_name, report.ok, report.ok == 1 ? "" : "s", report.skipped);
  } else {
    head = fmt::format(
        ":warning: {} {} {} partly: {} changed, {} unchanged, *{} failed*. Running the same "
        "command again finishes the job.",
        who, past(report.action), env_name, report.ok, report.skipped, report.failed);
  }
  m.text = head;
  m.body.section(head);
  std::vector<std::string> lines;
  for (const auto& item : report.items) {
    if (item.outcome == env::item_outcome::ok) {
      lines.push_back(fmt::format("• {} `{}`: {} → {}", kind_name(item.kind), escape_mrkdwn(item.name),
                                  item.from, item.to));
    } else if (item.outcome == env::item_outcome::failed) {
      lines.push_back(fmt::format(":x: {} `{}`: {}", kind_name(item.kind), escape_mrkdwn(item.name),
                                  escape_mrkdwn(item.message)));
    }
  }
  // EC2/RDS of the environment (issue 7), each with what happened to it.
  for (const auto& r : report.resources) {
    const std::string what = r.id.empty()
                                 ? std::string("EC2/RDS")
                                 : fmt::format("{} `{}`", escape_mrkdwn(r.kind), escape_mrkdwn(r.id));
    if (r.outcome == env::resource_outcome::failed) {
      lines.push_back(fmt::format(":x: {}: {}", what, escape_mrkdwn(r.message)));
    } else {
      lines.push_back(fmt::format("• {}: {}", what, escape_mrkdwn(r.message)));
    }
  }
  m.body.list(lines, 40);
  std::vector<std::string> notes;
  for (const auto& w : report.warnings) notes.push_back(":warning: " + escape_mrkdwn(w));
  if (report.skipped > 0) notes.push_back(fmt::format("{} workload(s) needed nothing.", report.skipped));
  if (!notes.empty()) m.body.context(notes);
  return m;
}

message render_failure(std::string_view action, std::string_view environment, const error& e) {
  message m;
  std::string why;
  switch (e.code) {
    case errc::not_found:
      why = fmt::format("environment {} does not exist.", quote_code(environment, 63));
      break;
    case errc::protected_namespace:
      why = fmt::format("{} is a protected namespace: devenv-scaler never manages it.",
                        quote_code(environment, 63));
      break;
    case errc::invalid_argument:
      why = escape_mrkdwn(e.message);
      break;
    case errc::unavailable:
    case errc::timeout:
    case errc::too_many_requests:
      why = "Kubernetes did not answer in time; nothing may have changed. Try again in a minute.\n_" +
            escape_mrkdwn(e.message) + "_";
      break;
    default:
      why = escape_mrkdwn(e.message);
  }
  m.text = fmt::format(":x: Could not {} {}: {}", escape_mrkdwn(action),
                       environment.empty() ? std::string("environments") : quote_code(environment, 63), why);
  m.body.section(m.text);
  return m;
}

message render_status(const env::environment_status& s,
                      std::optional<std::chrono::system_clock::time_point> next_shutdown) {
  message m;
  const std::string name = quote_code(s.ns, 63);
  m.text = fmt::format("{} {} is {}", state_emoji(s.state), name, env::to_string(s.state));
  m.body.section("*" + m.text + "*");
  if (s.state == env::env_state::not_found || s.state == env::env_state::not_managed) return m;

  std::vector<std::string> lines;
  for (const auto& w : s.workloads) {
    std::string line =
        fmt::format("• {} `{}`: {}/{} ready", kind_name(w.kind), escape_mrkdwn(w.name), w.ready, w.desired);
    if (w.saved) line += fmt::format(" (restores to {})", *w.saved);
    if (w.excluded) line += " _(excluded)_";
    if (w.annotation_invalid) line += " :warning: unreadable original-replicas annotation";
    lines.push_back(std::move(line));
  }
  if (lines.empty()) lines.push_back("_no Deployments or StatefulSets_");
  if (s.external) {
    for (const auto& r : s.external->resources) {
      lines.push_back(fmt::format("• {} `{}` ({}): {}", escape_mrkdwn(r.kind), escape_mrkdwn(r.id),
                                  escape_mrkdwn(r.type), escape_mrkdwn(r.state)));
    }
    std::string age = s.external->age ? fmt::format("as of {} s ago", s.external->age->count())
                                      : std::string("never refreshed");
    if (s.external->stale) age += " :warning: stale: " + escape_mrkdwn(s.external->error);
    lines.push_back(fmt::format("_EC2/RDS inventory {}_", age));
  }
  m.body.list(lines, 60);

  std::vector<std::string> context;
  if (s.schedule.mode == env::schedule_mode::suspended) {
    context.push_back(s.schedule.unexpected
                          ? fmt::format(":warning: scheduler label {} is not enabled/disabled: no scheduled "
                                        "shutdown",
                                        quote_code(s.schedule.value))
                          : std::string("Scheduled shutdown: suspended"));
  } else if (next_shutdown) {
    context.push_back("Next shutdown: " + slack_date(*next_shutdown));
  }
  if (s.last) {
    std::string last = fmt::format("Last action: {} by {} via {}", escape_mrkdwn(s.last->action),
                                   escape_mrkdwn(s.last->actor), escape_mrkdwn(s.last->source));
    if (!s.last->outcome.empty() && s.last->outcome != "ok")
      last += " (" + escape_mrkdwn(s.last->outcome) + ")";
    if (s.last->time) last += ", " + slack_date(*s.last->time);
    context.push_back(std::move(last));
  }
  if (!context.empty()) m.body.context(context);
  return m;
}

message render_list(const std::vector<env::environment_summary>& environments) {
  message m;
  std::map<std::string, int> counts;
  std::vector<std::string> lines;
  for (const auto& e : environments) {
    if (!e.error.empty()) {
      ++counts["unreadable"];
      lines.push_back(fmt::format(":warning: `{}`: {}", escape_mrkdwn(e.ns), escape_mrkdwn(e.error)));
      continue;
    }
    ++counts[std::string(env::to_string(e.state))];
    lines.push_back(
        fmt::format("{} `{}` {} · {} workload{}{}", state_emoji(e.state), escape_mrkdwn(e.ns),
                    env::to_string(e.state), e.workloads, e.workloads == 1 ? "" : "s",
                    e.schedule.mode == env::schedule_mode::suspended ? " · schedule suspended" : ""));
  }
  std::string summary =
      fmt::format("{} environment{}", environments.size(), environments.size() == 1 ? "" : "s");
  std::string sep = ": ";
  for (const auto& [state, n] : counts) {
    summary += fmt::format("{}{} {}", sep, n, state);
    sep = ", ";
  }
  m.text = summary;
  m.body.section("*" + summary + "*");
  m.body.list(lines, 100);
  return m;
}

message render_denial(const access_decision& decision) {
  message m;
  m.text = decision.explanation;
  m.body.section(decision.explanation);
  return m;
}

message render_not_enabled(std::string_view feature) {
  message m;
  m.text = fmt::format(
      ":construction: `{}` is not enabled on this server yet. Ask the devenv-scaler "
      "administrators; until then nothing was changed.",
      escape_mrkdwn(feature));
  m.body.section(m.text);
  return m;
}

message render_prolonged(std::string_view environment, const slack_actor& actor, std::chrono::minutes by,
                         const schedule::schedule_change& change) {
  message m;
  m.type = response_type::in_channel;
  m.text = fmt::format(":alarm_clock: <@{}> extended {} by {}: it now stops {}", escape_mrkdwn(actor.user_id),
                       quote_code(environment, 63), format_duration(by), escape_mrkdwn(change.description));
  m.body.section(m.text);
  return m;
}

}  // namespace devenv::slack
