#include "lease/lease_record.h"

#include <fmt/format.h>

#include "core/rfc3339.h"

namespace devenv::lease {

namespace {

result<std::optional<time_point>> read_time(const nlohmann::json& spec, const char* key) {
  const auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return std::optional<time_point>();
  if (!it->is_string())
    return fail(errc::invalid_argument, fmt::format("Lease spec.{} is not a string", key));
  auto t = parse_rfc3339(it->get<std::string>());
  if (!t) return fail(errc::invalid_argument, fmt::format("Lease spec.{} is not an RFC 3339 time", key));
  return std::optional<time_point>(std::chrono::time_point_cast<time_point::duration>(*t));
}

}  // namespace

std::string format_micro_time(time_point t) {
  using namespace std::chrono;
  const auto micros = floor<microseconds>(t);
  const auto whole = floor<seconds>(micros);
  // format_rfc3339 writes "...:SSZ"; the fraction goes before the zone designator.
  std::string text =
      format_rfc3339(time_point(duration_cast<time_point::duration>(whole.time_since_epoch())));
  text.pop_back();
  return fmt::format("{}.{:06d}Z", text, (micros - whole).count());
}

result<lease_record> record_from_lease(const nlohmann::json& lease) {
  if (!lease.is_object()) return fail(errc::invalid_argument, "a Lease must be a JSON object");
  lease_record r;
  try {
    if (const auto md = lease.find("metadata"); md != lease.end() && md->is_object()) {
      r.resource_version = md->value("resourceVersion", "");
    }
    const auto spec_it = lease.find("spec");
    if (spec_it == lease.end() || spec_it->is_null()) return r;
    const auto& spec = *spec_it;
    if (!spec.is_object()) return fail(errc::invalid_argument, "Lease spec is not an object");
    if (auto h = spec.find("holderIdentity"); h != spec.end() && !h->is_null()) {
      r.holder_identity = h->get<std::string>();
    }
    if (auto d = spec.find("leaseDurationSeconds"); d != spec.end() && !d->is_null()) {
      r.lease_duration = std::chrono::seconds(d->get<long long>());
    }
    if (auto t = spec.find("leaseTransitions"); t != spec.end() && !t->is_null()) {
      r.lease_transitions = t->get<int>();
    }
  } catch (const nlohmann::json::exception& e) {
    return fail(errc::invalid_argument, std::string("Lease spec has a field of the wrong type: ") + e.what());
  }
  auto acquired = read_time(lease.at("spec"), "acquireTime");
  if (!acquired) return tl::unexpected(acquired.error());
  auto renewed = read_time(lease.at("spec"), "renewTime");
  if (!renewed) return tl::unexpected(renewed.error());
  r.acquire_time = *acquired;
  r.renew_time = *renewed;
  return r;
}

nlohmann::json lease_spec(const lease_record& record) {
  nlohmann::json spec = {{"holderIdentity", record.holder_identity},
                         {"leaseDurationSeconds", record.lease_duration.count()},
                         {"leaseTransitions", record.lease_transitions}};
  spec["acquireTime"] =
      record.acquire_time ? nlohmann::json(format_micro_time(*record.acquire_time)) : nullptr;
  spec["renewTime"] = record.renew_time ? nlohmann::json(format_micro_time(*record.renew_time)) : nullptr;
  return spec;
}

nlohmann::json lease_object(std::string_view ns, std::string_view name, const lease_record& record) {
  return {{"apiVersion", "coordination.k8s.io/v1"},
          {"kind", "Lease"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", lease_spec(record)}};
}

}  // namespace devenv::lease
