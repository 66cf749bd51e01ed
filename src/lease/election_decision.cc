#include "lease/election_decision.h"

namespace devenv::lease {

result<void> validate(const election_timing& t) {
  using namespace std::chrono;
  if (t.lease_duration < seconds(1))
    return fail(errc::invalid_argument, "lease_duration must be at least 1s");
  if (t.retry_period <= milliseconds(0)) return fail(errc::invalid_argument, "retry_period must be positive");
  if (t.renew_deadline >= t.lease_duration) {
    return fail(errc::invalid_argument, "renew_deadline must be shorter than lease_duration");
  }
  if (t.renew_deadline <= t.retry_period) {
    return fail(errc::invalid_argument, "renew_deadline must be longer than retry_period");
  }
  return {};
}

observation observe(const std::optional<observation>& previous, const lease_record& fetched, time_point now) {
  if (previous && previous->record.resource_version == fetched.resource_version &&
      !fetched.resource_version.empty()) {
    return {fetched, previous->observed_at};
  }
  return {fetched, now};
}

attempt_decision decide_attempt(const std::optional<observation>& current, std::string_view me,
                                const election_timing& timing, time_point now) {
  attempt_decision d;
  if (!current) {
    d.action = attempt_action::create;
    d.write.holder_identity = std::string(me);
    d.write.lease_duration = timing.lease_duration;
    d.write.acquire_time = now;
    d.write.renew_time = now;
    d.write.lease_transitions = 0;
    return d;
  }
  const auto& held = current->record;
  if (held.holder_identity == me) {
    d.action = attempt_action::renew;
    d.write = held;
    d.write.lease_duration = timing.lease_duration;
    d.write.renew_time = now;
    if (!d.write.acquire_time) d.write.acquire_time = now;
    return d;
  }
  const auto expires = current->observed_at + held.lease_duration;
  if (!held.holder_identity.empty() && now < expires) {
    d.action = attempt_action::stand_by;
    d.holder = held.holder_identity;
    d.expires = expires;
    return d;
  }
  d.action = attempt_action::acquire;
  d.write = held;  // keeps resource_version: the fence
  d.write.holder_identity = std::string(me);
  d.write.lease_duration = timing.lease_duration;
  d.write.acquire_time = now;
  d.write.renew_time = now;
  d.write.lease_transitions = held.lease_transitions + 1;
  return d;
}

bool must_step_down(std::chrono::nanoseconds since_renew, const election_timing& timing) {
  return since_renew >= timing.renew_deadline;
}

lease_record release_record(const lease_record& held, time_point now) {
  lease_record r = held;
  r.holder_identity.clear();
  r.lease_duration = std::chrono::seconds(1);
  r.renew_time = now;
  r.acquire_time = now;
  return r;
}

std::string_view to_string(attempt_action action) {
  switch (action) {
    case attempt_action::create:
      return "create";
    case attempt_action::acquire:
      return "acquire";
    case attempt_action::renew:
      return "renew";
    case attempt_action::stand_by:
      return "stand_by";
  }
  return "unknown";
}

}  // namespace devenv::lease
