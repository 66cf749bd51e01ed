// notice_render: the Slack messages of the notify module — a shutdown warning for one or several
// environments (each with "Extend 1h", "Extend 2h", "Stop now" buttons whose value is the environment) and
// the after-stop message (what was stopped, how to bring it back). Pure; times shown in `zone`.
#pragma once

#include <date/tz.h>

#include "notify/notice_plan.h"
#include "slack/message.h"

namespace devenv::notify {

slack::message render_warning(const planned_notice& notice, const date::time_zone* zone);
slack::message render_stopped(const planned_notice& notice, const date::time_zone* zone);
slack::message render_notice(const planned_notice& notice, const date::time_zone* zone);

// "19:00 CET" in `zone` (UTC when null).
std::string local_time(time_point t, const date::time_zone* zone);

}  // namespace devenv::notify
