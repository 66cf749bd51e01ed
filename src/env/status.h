// The status model of one environment: its state derived from what is observed, each workload's
// desired/ready/saved replicas, how the scheduler label reads, and the last action recorded on the
// namespace. Pure functions over values; thread-safe.
//
// derive_state rules, in order (excluded workloads are ignored: devenv-scaler never touches them):
//   namespace absent                                  -> not found
//   namespace protected                               -> not managed
//     (the scheduler label never makes a namespace "not managed": any non-protected namespace can be
//      stopped and started by hand; the label only says whether the shutdown CronJob runs)
//   no workload (or only excluded ones)               -> stopped when the namespace's devenv-scaler/state
//                                                        says "stopped", else running: nothing can run,
//                                                        so the last recorded intent is the best answer
//   no workload wants replicas (all spec.replicas 0)  -> stopped, or partly running while pods of a
//                                                        scaled-down workload are still ready
//   some want replicas and some are held at 0 with a
//     saved count (a partial stop or start)           -> partly running
//   all that want replicas have them ready and their
//     status is current                               -> running
//   otherwise                                         -> starting (a workload not ready yet; status shows
//                                                        which, so a crash-looping one is visible)
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "env/external_resources.h"
#include "env/workload.h"

namespace devenv::env {

enum class schedule_mode { scheduled, suspended };
std::string_view to_string(schedule_mode mode);  // "scheduled" / "suspended"

// How the scheduler label reads (DESIGN.md section 2): absent or "enabled" -> scheduled; "disabled" ->
// suspended; any other value -> suspended with `unexpected` set, so callers can warn about it.
struct schedule_label {
  schedule_mode mode = schedule_mode::scheduled;
  bool unexpected = false;
  std::string value;  // the label value as found (empty when absent)
};
schedule_label read_schedule_label(const std::map<std::string, std::string>& labels, std::string_view key);

struct workload_status {
  workload_kind kind = workload_kind::deployment;
  std::string name;
  int desired = 0;
  int ready = 0;
  std::optional<int> saved;
  bool excluded = false;
  bool annotation_invalid = false;
  std::string annotation_raw;  // set when annotation_invalid
};

struct environment_status {
  std::string ns;
  env_state state = env_state::not_found;
  schedule_label schedule;
  std::string recorded_state;  // devenv-scaler/state as found ("" when absent)
  std::optional<last_action> last;
  std::vector<workload_status> workloads;   // sorted by kind (Deployments first), then name
  std::optional<external_status> external;  // EC2/RDS from the inventory, when AWS is configured
};

env_state derive_state(const namespace_info& ns, bool is_protected, const std::vector<workload>& workloads);

environment_status make_status(const namespace_info& ns, bool is_protected,
                               const std::vector<workload>& workloads, std::string_view schedule_label_key);

// devenv-scaler/last-action: {"action":"stop","actor":"@alice","source":"slack","outcome":"ok",
// "time":"2026-11-27T18:00:00Z"}. Parsing is tolerant: text that is not a JSON object gives nullopt; a
// field that is missing or of the wrong type is left empty (time: nullopt), so one hand-edited annotation
// cannot break status.
std::optional<last_action> parse_last_action(std::string_view text);
std::string format_last_action(const last_action& action);

}  // namespace devenv::env
