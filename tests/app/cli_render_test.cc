#include <gtest/gtest.h>

#include "app/cli_client.h"

namespace devenv::app {
namespace {

TEST(CliRender, ReportShowsOutcomeCountsAndItems) {
  auto report = nlohmann::json::parse(R"({
    "environment": "dev1", "action": "stop", "ok": false,
    "counts": {"changed": 1, "skipped": 1, "failed": 1},
    "items": [
      {"kind": "Deployment", "name": "web", "from": 3, "to": 0, "outcome": "changed", "message": ""},
      {"kind": "StatefulSet", "name": "db", "from": 1, "to": 1, "outcome": "failed", "message": "503 from API"}
    ]})");
  const auto text = render_report(report);
  EXPECT_NE(text.find("stop dev1: FAILED (1 changed, 1 skipped, 1 failed)"), std::string::npos) << text;
  EXPECT_NE(text.find("web"), std::string::npos);
  EXPECT_NE(text.find("503 from API"), std::string::npos);
}

TEST(CliRender, StatusListsWorkloadsWithSavedCounts) {
  auto status = nlohmann::json::parse(R"({
    "name": "dev1", "state": "stopped", "scheduler": "enabled",
    "lastAction": {"action": "stop", "actor": "api:ci", "source": "api", "time": "2026-11-27T18:00:00Z"},
    "workloads": [{"kind": "Deployment", "name": "web", "desired": 0, "ready": 0, "saved": 3, "excluded": false}]})");
  const auto text = render_status(status);
  EXPECT_NE(text.find("dev1: stopped"), std::string::npos);
  EXPECT_NE(text.find("last action: stop by api:ci"), std::string::npos);
  EXPECT_NE(text.find("    3\n"), std::string::npos) << text;
}

TEST(CliRender, ToleratesMissingFields) {
  EXPECT_NO_THROW(render_report(nlohmann::json::object()));
  EXPECT_NO_THROW(render_status(nlohmann::json::object()));
  EXPECT_NO_THROW(render_list(nlohmann::json::parse(R"({"environments": [{"name": 5}]})")));
}

}  // namespace
}  // namespace devenv::app
