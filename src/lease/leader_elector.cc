#include "lease/leader_elector.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

namespace devenv::lease {

namespace {

void sliced_sleep(std::chrono::milliseconds total, const std::atomic<bool>& stop) {
  const auto until = std::chrono::steady_clock::now() + total;
  while (!stop.load()) {
    const auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
  }
}

}  // namespace

leader_elector::leader_elector(lease_store& store, elector_options options)
    : store_(store), options_(std::move(options)) {
  if (!options_.monotonic) {
    if (options_.now) {
      options_.monotonic = [now = options_.now] {
        return std::chrono::steady_clock::time_point(
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(now().time_since_epoch()));
      };
    } else {
      options_.monotonic = [] { return std::chrono::steady_clock::now(); };
    }
  }
  if (!options_.now) options_.now = [] { return std::chrono::system_clock::now(); };
  if (!options_.sleep) options_.sleep = sliced_sleep;
  if (!options_.random01) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    options_.random01 = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
}

leader_elector::~leader_elector() {
  stop();
}

void leader_elector::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(stop_); });
}

void leader_elector::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool leader_elector::is_leader() const {
  if (!leading_.load()) return false;
  return options_.monotonic().time_since_epoch().count() < renew_deadline_at_.load();
}

std::string leader_elector::leader() const {
  std::lock_guard lock(leader_mutex_);
  return leader_;
}

void leader_elector::set_observed_leader(const std::string& holder) {
  std::lock_guard lock(leader_mutex_);
  if (holder == leader_) return;
  leader_ = holder;
  if (!holder.empty() && holder != options_.identity)
    spdlog::info("leader election: {} is the leader", holder);
}

leader_elector::attempt_result leader_elector::attempt(time_point now) {
  auto current = store_.get();
  if (!current) {
    spdlog::warn("leader election: cannot read the Lease: {}", current.error().message);
    return attempt_result::failed;
  }
  if (*current) {
    observed_ = observe(observed_, **current, now);
  } else {
    observed_.reset();
  }
  const auto decision = decide_attempt(observed_, options_.identity, options_.timing, now);
  if (decision.action == attempt_action::stand_by) {
    set_observed_leader(decision.holder);
    return attempt_result::standing_by;
  }
  auto written = decision.action == attempt_action::create ? store_.create(decision.write)
                                                           : store_.update(decision.write);
  if (!written) {
    // A conflict is a lost race (another candidate wrote first) or a stale read: re-read next time.
    if (written.error().code == errc::conflict) {
      spdlog::debug("leader election: {} lost a race: {}", to_string(decision.action),
                    written.error().message);
    } else {
      spdlog::warn("leader election: cannot {} the Lease: {}", to_string(decision.action),
                   written.error().message);
    }
    return attempt_result::failed;
  }
  observed_ = observation{*written, now};
  set_observed_leader(options_.identity);
  return attempt_result::leading;
}

void leader_elector::become_leader(std::chrono::steady_clock::time_point renewed_at) {
  last_renew_ = renewed_at;
  renew_deadline_at_ = (renewed_at + options_.timing.renew_deadline).time_since_epoch().count();
  if (leading_.exchange(true)) return;
  spdlog::info("leader election: {} started leading", options_.identity);
  if (options_.on_started_leading) options_.on_started_leading();
}

void leader_elector::step_down(const char* why) {
  if (!leading_.exchange(false)) return;
  spdlog::warn("leader election: {} stopped leading: {}", options_.identity, why);
  if (options_.on_stopped_leading) options_.on_stopped_leading();
}

void leader_elector::release() {
  if (!observed_ || observed_->record.holder_identity != options_.identity) return;
  auto released = store_.update(release_record(observed_->record, options_.now()));
  if (released) {
    spdlog::info("leader election: {} released the Lease", options_.identity);
    observed_.reset();
    set_observed_leader("");
  } else {
    spdlog::warn("leader election: cannot release the Lease (a standby takes over when it expires): {}",
                 released.error().message);
  }
}

void leader_elector::run(const std::atomic<bool>& stop) {
  const auto& timing = options_.timing;
  time_point sit_out_until{};
  while (!stop.load()) {
    const auto now = options_.now();
    // Taken before the write: the renewal counts from when it began, never later.
    const auto began = options_.monotonic();
    const bool was_leading = leading_.load();
    if (was_leading || now >= sit_out_until) {
      const auto outcome = attempt(now);
      if (outcome == attempt_result::leading) {
        become_leader(began);
      } else if (was_leading && outcome == attempt_result::standing_by) {
        step_down("another replica holds the Lease");
      } else if (was_leading && must_step_down(options_.monotonic() - last_renew_, timing)) {
        step_down("could not renew the Lease within renew_deadline");
        sit_out_until = options_.now() + timing.lease_duration;
      }
    }
    if (stop.load()) break;
    auto wait = timing.retry_period;
    if (leading_.load()) {
      // Wake up at the renew deadline at the latest, so the work stops then and not a period later.
      const auto to_deadline =
          std::chrono::ceil<std::chrono::milliseconds>(last_renew_ + timing.renew_deadline - options_.monotonic());
      wait = std::clamp(to_deadline, std::chrono::milliseconds(1), wait);
    } else {
      const double factor = 0.75 + 0.25 * options_.random01();
      wait = std::chrono::milliseconds(static_cast<long long>(static_cast<double>(wait.count()) * factor));
    }
    options_.sleep(wait, stop);
  }
  // Stop the leader-only work before letting anyone else take the Lease.
  const bool held = leading_.load();
  step_down("shutting down");
  if (held && options_.release_on_cancel) release();
}

}  // namespace devenv::lease
