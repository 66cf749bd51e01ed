// A small Prometheus metrics registry: labelled counters, gauges read at scrape time, and histograms with
// fixed buckets, rendered in the text exposition format (version 0.0.4). Families are declared once at
// start-up; recording is thread-safe (one mutex; recording is rare next to the work it measures).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace devenv::metrics {

using labels = std::vector<std::pair<std::string, std::string>>;

class registry {
 public:
  void declare_counter(std::string name, std::string help);
  void declare_histogram(std::string name, std::string help, std::vector<double> buckets);
  // The callback runs at every scrape, under the registry lock: keep it cheap and lock-free.
  void declare_gauge(std::string name, std::string help, std::function<double()> read);

  void increment(const std::string& name, const labels& l = {}, double by = 1.0);
  void observe(const std::string& name, const labels& l, double value);

  double counter_value(const std::string& name, const labels& l = {}) const;
  std::string render() const;  // text/plain; version=0.0.4

 private:
  struct histogram_series {
    std::vector<std::uint64_t> bucket_counts;  // cumulative is computed when rendering
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct family {
    std::string help;
    std::string type;  // counter, gauge, histogram
    std::vector<double> buckets;
    std::function<double()> gauge;
    std::map<labels, double> counters;
    std::map<labels, histogram_series> histograms;
  };
  family& require(const std::string& name, const char* type);

  mutable std::mutex mutex_;
  std::map<std::string, family> families_;
};

// Label values are escaped as the exposition format requires (backslash, quote, newline).
std::string escape_label_value(std::string_view value);

}  // namespace devenv::metrics
