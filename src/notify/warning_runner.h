// warning_runner: sends the notices of notice_plan. One tick reads every namespace and every managed
// CronJob, plans (pure), and for each planned message first CLAIMS it — a merge patch of
// devenv-scaler/notified on each Namespace carrying the resourceVersion it was planned from — and only then
// posts it with chat.postMessage. A claim lost to a concurrent writer (409: another replica during a leader
// handover) drops that environment from the message, so two replicas never send the same warning; a failed
// post puts the previous annotation back so the next tick tries again, so nothing is dropped either.
// Posts to one channel are spaced by at least `channel_interval` (Slack allows about one message per second
// per channel); a 429 is retried by web_api_client after its Retry-After.
//
// Only the leader sends: is_leader() is asked before each tick and before each message.
// Thread-safety: one runner is driven by one thread (run() or run_once() calls must not overlap); it only
// calls the thread-safe store, manager and Web API client. Time is injected: `now` is the wall clock,
// `sleep_until` waits (returning early on stop), so tests drive it with a fake clock.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "env/protection.h"
#include "env/workload_store.h"
#include "notify/notice_plan.h"
#include "schedule/cronjob_manager.h"
#include "slack/bot/web_api_client.h"

namespace devenv::notify {

struct runner_options {
  notice_options notices;
  env::protection_policy protection;
  std::function<time_point()> now;
  // Default: sleeps in slices of at most 1 s until now() >= until or stop.
  std::function<void(time_point until, const std::atomic<bool>& stop)> sleep_until;
  std::function<bool()> is_leader;  // default: always
  // Longest wait between ticks, so prolongations, new environments and finished stops are seen.
  std::chrono::seconds poll_interval{30};
  std::chrono::milliseconds channel_interval{1000};
};

struct sent_notice {
  notice_kind kind = notice_kind::warning;
  std::string channel;
  std::vector<std::string> namespaces;
  std::chrono::minutes remaining{};
  std::string ts;  // the posted message's ts
};

struct tick_report {
  bool leader = true;
  std::vector<sent_notice> sent;
  std::vector<std::string> lost;    // namespaces whose claim another writer won (not sent by us)
  std::vector<std::string> errors;  // "<ns or what>: message"
  std::optional<time_point> wake_at;
};

class warning_runner {
 public:
  // Every reference must outlive the runner.
  warning_runner(env::workload_store& namespaces, schedule::cronjob_manager& schedules,
                 const slack::web_api_client& slack, runner_options options);

  // One tick at options.now().
  tick_report run_once();
  // Ticks until `stop`, sleeping until the next due instant (at most poll_interval). `on_tick` sees each
  // report (logging, metrics, tests).
  void run(const std::atomic<bool>& stop, const std::function<void(const tick_report&)>& on_tick = {});

 private:
  result<std::vector<environment_view>> observe(time_point now);
  // Writes the claim; false with `lost` or an error filled in when it could not be written.
  bool claim(const notice_item& item, tick_report& report);
  void release(const notice_item& item, tick_report& report);
  void pace(const std::string& channel);

  env::workload_store& namespaces_;
  schedule::cronjob_manager& schedules_;
  const slack::web_api_client& slack_;
  runner_options options_;
  std::map<std::string, time_point> last_post_;  // channel → when we last posted there
};

}  // namespace devenv::notify
