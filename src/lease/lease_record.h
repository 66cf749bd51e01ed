// lease_record: the election-relevant part of a coordination.k8s.io/v1 Lease — spec.holderIdentity,
// leaseDurationSeconds, acquireTime, renewTime (MicroTime: RFC 3339 with microseconds), leaseTransitions —
// and the metadata.resourceVersion that fences every write, read from and rendered to the Lease's JSON.
// Pure value type; thread-safe as any value.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace devenv::lease {

using time_point = std::chrono::system_clock::time_point;

struct lease_record {
  std::string holder_identity;  // empty: nobody holds the lease (released)
  std::chrono::seconds lease_duration{0};
  std::optional<time_point> acquire_time;
  std::optional<time_point> renew_time;
  int lease_transitions = 0;
  std::string resource_version;  // of the object this was read from; empty for a record not yet written

  bool operator==(const lease_record&) const = default;
};

// A Lease object → its record. Missing spec fields take their zero values, as the API server leaves them
// unset; a malformed time or a non-object is errc::invalid_argument.
result<lease_record> record_from_lease(const nlohmann::json& lease);

// The `spec` of a Lease holding `record` (every field written, so a merge patch replaces them all).
nlohmann::json lease_spec(const lease_record& record);

// A whole Lease object for a create: name, namespace and spec.
nlohmann::json lease_object(std::string_view ns, std::string_view name, const lease_record& record);

// Kubernetes MicroTime, "2026-11-27T18:00:00.123456Z" (always six fraction digits, UTC).
std::string format_micro_time(time_point t);

}  // namespace devenv::lease
