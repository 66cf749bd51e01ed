#include "metrics/registry.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace devenv::metrics {

namespace {

std::string format_number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{}", v);
}

std::string render_labels(const labels& l, const std::string& extra_name = {},
                          const std::string& extra = {}) {
  if (l.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : l) {
    if (!first) out += ",";
    first = false;
    out += k + "=\"" + escape_label_value(v) + "\"";
  }
  if (!extra_name.empty()) {
    if (!first) out += ",";
    out += extra_name + "=\"" + extra + "\"";
  }
  return out + "}";
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

registry::family& registry::require(const std::string& name, const char* type) {
  auto it = families_.find(name);
  if (it == families_.end() || it->second.type != type) {
    throw std::logic_error("metric " + name + " is not a declared " + type);
  }
  return it->second;
}

void registry::declare_counter(std::string name, std::string help) {
  std::lock_guard lock(mutex_);
  families_[std::move(name)] = family{std::move(help), "counter", {}, {}, {}, {}};
}

void registry::declare_histogram(std::string name, std::string help, std::vector<double> buckets) {
  std::lock_guard lock(mutex_);
  families_[std::move(name)] = family{std::move(help), "histogram", std::move(buckets), {}, {}, {}};
}

void registry::declare_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  families_[std::move(name)] = family{std::move(help), "gauge", {}, std::move(read), {}, {}};
}

void registry::increment(const std::string& name, const labels& l, double by) {
  std::lock_guard lock(mutex_);
  require(name, "counter").counters[l] += by;
}

void registry::observe(const std::string& name, const labels& l, double value) {
  std::lock_guard lock(mutex_);
  auto& f = require(name, "histogram");
  auto& series = f.histograms[l];
  if (series.bucket_counts.empty()) series.bucket_counts.assign(f.buckets.size(), 0);
  for (std::size_t i = 0; i < f.buckets.size(); ++i) {
    if (value <= f.buckets[i]) {
      ++series.bucket_counts[i];
      break;
    }
  }
  series.sum += value;
  ++series.count;
}

double registry::counter_value(const std::string& name, const labels& l) const {
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto c = it->second.counters.find(l);
  return c == it->second.counters.end() ? 0 : c->second;
}

std::string registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, f.help, name, f.type);
    if (f.type == "counter") {
      for (const auto& [l, v] : f.counters) out += name + render_labels(l) + " " + format_number(v) + "\n";
    } else if (f.type == "gauge") {
      out += name + " " + format_number(f.gauge ? f.gauge() : 0) + "\n";
    } else {
      for (const auto& [l, s] : f.histograms) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < f.buckets.size(); ++i) {
          cumulative += s.bucket_counts[i];
          out += name + "_bucket" + render_labels(l, "le", format_number(f.buckets[i])) + " " +
                 std::to_string(cumulative) + "\n";
        }
        out += name + "_bucket" + render_labels(l, "le", "+Inf") + " " + std::to_string(s.count) + "\n";
        out += name + "_sum" + render_labels(l) + " " + format_number(s.sum) + "\n";
        out += name + "_count" + render_labels(l) + " " + std::to_string(s.count) + "\n";
      }
    }
  }
  return out;
}

}  // namespace devenv::metrics
