// Renders support-pod results as Slack messages: a started pod (name, size, resources, lifetime and expiry,
// the command to attach), a stopped pod, the list (name, size, owner, age, phase, time left) and failures
// (the sizes and what each gives when the size or name was wrong). Ephemeral: the attach command is for the
// person who asked. Pure functions of their inputs and `now`; thread-safe.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "slack/message.h"
#include "support/support_pod.h"
#include "support/support_settings.h"

namespace devenv::slack {

// "<@U0123>" for a Slack user id, "`api:ci`" for anything else.
std::string render_owner(std::string_view owner);

message render_support_started(const support::support_pod& pod, std::chrono::system_clock::time_point now);
message render_support_stopped(const support::support_pod& pod, std::string_view actor);
message render_support_list(const std::vector<support::support_pod>& pods, std::string_view ns,
                            std::chrono::system_clock::time_point now);
// `action` is "start", "stop" or "list"; `name` the pod (empty for list).
message render_support_failure(std::string_view action, std::string_view name, const error& e,
                               const support::support_settings& settings);

}  // namespace devenv::slack
