#include "server/fault_injector.h"

namespace kubesim {
namespace {

using json = nlohmann::json;

api_error error_for_code(int code) {
  switch (code) {
    case 429:
      return api_error{429, "TooManyRequests",
                       "the server has received too many requests and has asked us to try again later"};
    case 503:
      return api_error{503, "ServiceUnavailable", "the server is currently unable to handle the request"};
    default:
      return api_error{
          code, "InternalError",
          "an error on the server (\"injected fault\") has prevented the request from succeeding"};
  }
}

result<std::int64_t> non_negative(const json& object, const char* key, std::int64_t fallback) {
  if (!object.contains(key)) return fallback;
  const json& value = object[key];
  if (!value.is_number() || value.get<double>() < 0)
    return tl::unexpected(api_error::bad_request(std::string(key) + " must be a non-negative number"));
  return value.get<std::int64_t>();
}

}  // namespace

bool fault_injector::glob_match(std::string_view pattern, std::string_view text) {
  // Iterative '*' matching with backtracking to the last star: linear enough for URL paths.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

result<void> fault_injector::configure(const json& config) {
  if (!config.is_object())
    return tl::unexpected(api_error::bad_request("the fault configuration must be an object"));
  // Validate everything before changing anything, so a bad request leaves the faults as they were.
  auto latency = latency_;
  auto jitter = jitter_;
  auto errors = errors_;
  auto conflicts = conflicts_;
  auto generation = drop_generation_;
  auto lifetime = watch_lifetime_;
  if (config.contains("latency")) {
    const json& l = config["latency"];
    if (!l.is_object()) return tl::unexpected(api_error::bad_request("latency must be an object"));
    auto fixed = non_negative(l, "fixedMs", latency.count());
    if (!fixed) return tl::unexpected(fixed.error());
    auto spread = non_negative(l, "jitterMs", jitter.count());
    if (!spread) return tl::unexpected(spread.error());
    latency = std::chrono::milliseconds(*fixed);
    jitter = std::chrono::milliseconds(*spread);
  }
  if (config.contains("errors")) {
    const json& e = config["errors"];
    if (!e.is_object())
      return tl::unexpected(api_error::bad_request("errors must be an object keyed by verb"));
    for (const auto& [verb, spec] : e.items()) {
      if (!spec.is_object())
        return tl::unexpected(api_error::bad_request("errors." + verb + " must be an object"));
      error_fault fault;
      const json rate = spec.value("rate", json(0.0));
      if (!rate.is_number() || rate.get<double>() < 0 || rate.get<double>() > 1)
        return tl::unexpected(api_error::bad_request("errors." + verb + ".rate must be between 0 and 1"));
      fault.rate = rate.get<double>();
      const json code = spec.value("code", json(500));
      if (!code.is_number_integer() || (code != 500 && code != 503 && code != 429))
        return tl::unexpected(api_error::bad_request("errors." + verb + ".code must be 500, 503 or 429"));
      fault.code = code.get<int>();
      auto retry = non_negative(spec, "retryAfterSeconds", 1);
      if (!retry) return tl::unexpected(retry.error());
      fault.retry_after = std::chrono::seconds(*retry);
      if (fault.rate == 0) {
        errors.erase(verb);
      } else {
        errors[verb] = fault;
      }
    }
  }
  if (config.contains("conflicts")) {
    const json& c = config["conflicts"];
    if (!c.is_array()) return tl::unexpected(api_error::bad_request("conflicts must be a list"));
    for (const auto& spec : c) {
      if (!spec.is_object() || !spec.contains("path") || !spec["path"].is_string())
        return tl::unexpected(api_error::bad_request("each conflict needs a path pattern"));
      auto count = non_negative(spec, "count", 1);
      if (!count) return tl::unexpected(count.error());
      conflicts.push_back(conflict_fault{spec["path"].get<std::string>(), static_cast<int>(*count)});
    }
  }
  if (config.contains("dropWatches")) {
    const json& d = config["dropWatches"];
    if (!d.is_object()) return tl::unexpected(api_error::bad_request("dropWatches must be an object"));
    if (d.value("now", false)) ++generation;
    if (d.contains("afterSeconds")) {
      auto after = non_negative(d, "afterSeconds", 0);
      if (!after) return tl::unexpected(after.error());
      lifetime = *after == 0 ? std::nullopt : std::optional(std::chrono::seconds(*after));
    }
  }
  latency_ = latency;
  jitter_ = jitter;
  errors_ = std::move(errors);
  conflicts_ = std::move(conflicts);
  drop_generation_ = generation;
  watch_lifetime_ = lifetime;
  return {};
}

void fault_injector::reset() {
  latency_ = jitter_ = std::chrono::milliseconds(0);
  errors_.clear();
  conflicts_.clear();
  watch_lifetime_.reset();
}

json fault_injector::to_json() const {
  json errors = json::object();
  for (const auto& [verb, fault] : errors_) {
    errors[verb] = {
        {"rate", fault.rate}, {"code", fault.code}, {"retryAfterSeconds", fault.retry_after.count()}};
  }
  json conflicts = json::array();
  for (const auto& c : conflicts_) conflicts.push_back({{"path", c.path_pattern}, {"count", c.remaining}});
  return {
      {"latency", {{"fixedMs", latency_.count()}, {"jitterMs", jitter_.count()}}},
      {"errors", errors},
      {"conflicts", conflicts},
      {"dropWatches",
       {{"generation", drop_generation_}, {"afterSeconds", watch_lifetime_ ? watch_lifetime_->count() : 0}}}};
}

fault_decision fault_injector::decide(std::string_view verb, std::string_view path) {
  fault_decision decision;
  decision.latency = latency_;
  if (jitter_.count() > 0) {
    std::uniform_int_distribution<std::int64_t> spread(0, jitter_.count());
    decision.latency += std::chrono::milliseconds(spread(random_));
  }
  auto it = errors_.find(verb);
  if (it == errors_.end()) it = errors_.find("*");
  if (it != errors_.end()) {
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    if (coin(random_) < it->second.rate) {
      decision.error = error_for_code(it->second.code);
      if (it->second.code == 429) {
        decision.retry_after = it->second.retry_after;
        decision.error->details = {{"retryAfterSeconds", it->second.retry_after.count()}};
      }
      return decision;
    }
  }
  if (verb == "update" || verb == "patch") {
    for (auto c = conflicts_.begin(); c != conflicts_.end(); ++c) {
      if (c->remaining <= 0 || !glob_match(c->path_pattern, path)) continue;
      if (--c->remaining == 0) conflicts_.erase(c);
      decision.error =
          api_error{409, "Conflict",
                    "Operation cannot be fulfilled: the object has been modified; please apply your "
                    "changes to the latest version and try again"};
      break;
    }
  }
  return decision;
}

}  // namespace kubesim
