#include "metrics/registry.h"

#include <gtest/gtest.h>

namespace devenv::metrics {
namespace {

TEST(Registry, RendersCountersGaugesAndHistograms) {
  registry r;
  r.declare_counter("devenv_operations_total", "Operations by action and result.");
  r.declare_gauge("devenv_up", "Always 1.", [] { return 1.0; });
  r.declare_histogram("devenv_latency_seconds", "Latency.", {0.01, 0.1, 1});
  r.increment("devenv_operations_total", {{"action", "stop"}, {"result", "ok"}});
  r.increment("devenv_operations_total", {{"action", "stop"}, {"result", "ok"}}, 2);
  r.observe("devenv_latency_seconds", {{"route", "/x"}}, 0.05);
  r.observe("devenv_latency_seconds", {{"route", "/x"}}, 5);
  const auto text = r.render();
  EXPECT_NE(text.find("# TYPE devenv_operations_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("devenv_operations_total{action=\"stop\",result=\"ok\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("devenv_up 1\n"), std::string::npos);
  EXPECT_NE(text.find("devenv_latency_seconds_bucket{route=\"/x\",le=\"0.01\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("devenv_latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("devenv_latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("devenv_latency_seconds_count{route=\"/x\"} 2\n"), std::string::npos);
  EXPECT_EQ(r.counter_value("devenv_operations_total", {{"action", "stop"}, {"result", "ok"}}), 3);
}

TEST(Registry, EscapesLabelValuesAndRejectsUndeclared) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  registry r;
  EXPECT_THROW(r.increment("nope"), std::logic_error);
}

}  // namespace
}  // namespace devenv::metrics
