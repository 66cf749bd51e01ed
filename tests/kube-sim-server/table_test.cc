#include "server/table.h"

#include <gtest/gtest.h>

#include "server/discovery.h"

namespace kubesim {
namespace {

using nlohmann::json;
using namespace std::chrono;

const auto now = sys_days{year_month_day{year{2026}, month{11}, day{27}}} + hours{12};

std::vector<std::string> column_names(const json& table, int max_priority = 0) {
  std::vector<std::string> names;
  for (const auto& c : table["columnDefinitions"]) {
    if (c["priority"].get<int>() <= max_priority) names.push_back(c["name"]);
  }
  return names;
}

TEST(Table, ColumnsMatchKubeApiserver) {
  struct {
    const char* group;
    const char* resource;
    std::vector<std::string> columns;
  } cases[] = {
      {"apps", "deployments", {"Name", "Ready", "Up-to-date", "Available", "Age"}},
      {"apps", "statefulsets", {"Name", "Ready", "Age"}},
      {"batch", "cronjobs", {"Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age"}},
      {"", "namespaces", {"Name", "Status", "Age"}},
      {"", "configmaps", {"Name", "Age"}},
  };
  for (const auto& c : cases) {
    const resource_kind* kind = find_served_kind(c.group, "v1", c.resource);
    ASSERT_NE(kind, nullptr) << c.resource;
    EXPECT_EQ(column_names(to_table(*kind, json{{"metadata", {{"name", "x"}}}}, include_object::none, now)),
              c.columns)
        << c.resource;
  }
}

TEST(Table, DeploymentRowsShowReadinessAndAge) {
  const json list = {{"kind", "DeploymentList"},
                     {"metadata", {{"resourceVersion", "42"}, {"continue", "abc"}}},
                     {"items",
                      {{{"metadata", {{"name", "web"}, {"creationTimestamp", "2026-11-27T11:55:00Z"}}},
                        {"spec", {{"replicas", 3}}},
                        {"status", {{"readyReplicas", 2}, {"updatedReplicas", 3}, {"availableReplicas", 2}}}},
                       {{"metadata", {{"name", "idle"}, {"creationTimestamp", "2026-11-25T12:00:00Z"}}},
                        {"spec", {{"replicas", 0}}},
                        {"status", json::object()}}}}};
  const json table =
      to_table(*find_served_kind("apps", "v1", "deployments"), list, include_object::metadata, now);
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ(table["metadata"]["resourceVersion"], "42");
  EXPECT_EQ(table["metadata"]["continue"], "abc");
  ASSERT_EQ(table["rows"].size(), 2u);
  EXPECT_EQ(table["rows"][0]["cells"][0], "web");
  EXPECT_EQ(table["rows"][0]["cells"][1], "2/3");
  EXPECT_EQ(table["rows"][0]["cells"][2], 3);
  EXPECT_EQ(table["rows"][0]["cells"][3], 2);
  EXPECT_EQ(table["rows"][0]["cells"][4], "5m");
  EXPECT_EQ(table["rows"][1]["cells"][1], "0/0");
  EXPECT_EQ(table["rows"][1]["cells"][4], "2d");
  EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
  EXPECT_EQ(table["rows"][0]["object"]["metadata"]["name"], "web");
}

TEST(Table, IncludeObjectControlsTheRowObject) {
  const resource_kind& kind = *find_served_kind("", "v1", "namespaces");
  const json ns = {{"metadata", {{"name", "dev1"}}}, {"status", {{"phase", "Terminating"}}}};
  EXPECT_FALSE(to_table(kind, ns, include_object::none, now)["rows"][0].contains("object"));
  const json full = to_table(kind, ns, include_object::object, now)["rows"][0]["object"];
  EXPECT_EQ(full["kind"], "Namespace");
  EXPECT_EQ(full["status"]["phase"], "Terminating");
  EXPECT_EQ(to_table(kind, ns, include_object::metadata, now)["rows"][0]["cells"][1], "Terminating");
  EXPECT_EQ(parse_include_object("Object"), include_object::object);
  EXPECT_EQ(parse_include_object("None"), include_object::none);
  EXPECT_EQ(parse_include_object(""), include_object::metadata);
}

TEST(Table, CronJobCells) {
  const json cj = {
      {"metadata", {{"name", "devenv-shutdown"}, {"creationTimestamp", "2026-11-27T11:00:00Z"}}},
      {"spec", {{"schedule", "0 19 * * 1-5"}, {"timeZone", "Europe/Berlin"}, {"suspend", true}}},
      {"status", {{"active", json::array({json::object()})}, {"lastScheduleTime", "2026-11-27T11:59:00Z"}}}};
  const json cells = to_table(*find_served_kind("batch", "v1", "cronjobs"), cj, include_object::none,
                              now)["rows"][0]["cells"];
  EXPECT_EQ(cells[1], "0 19 * * 1-5");
  EXPECT_EQ(cells[2], "Europe/Berlin");
  EXPECT_EQ(cells[3], true);
  EXPECT_EQ(cells[4], 1);
  EXPECT_EQ(cells[5], "60s");
  EXPECT_EQ(cells[6], "60m");
}

TEST(Table, NegotiatesTheFormFromAccept) {
  struct {
    const char* accept;
    response_form form;
  } cases[] = {
      {"application/json;as=Table;v=v1;g=meta.k8s.io,application/"
       "json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
       response_form::table},
      {"application/json", response_form::object},
      {"", response_form::object},
      {"application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json",
       response_form::partial_metadata},
      {"application/json, application/json;as=Table;v=v1;g=meta.k8s.io", response_form::object},
      {"application/json;as=Table;v=v9;g=meta.k8s.io,application/json", response_form::object},
  };
  for (const auto& c : cases) EXPECT_EQ(negotiate_form(c.accept), c.form) << c.accept;
}

TEST(Table, HumanDurationsLikeKubectl) {
  struct {
    seconds d;
    const char* want;
  } cases[] = {{seconds(0), "0s"},      {seconds(45), "45s"},
               {seconds(119), "119s"},  {seconds(150), "2m30s"},
               {seconds(600), "10m"},   {hours(2) + minutes(59), "179m"},
               {hours(3), "3h"},        {hours(5) + minutes(7), "5h7m"},
               {hours(30), "30h"},      {hours(24 * 3 + 5), "3d5h"},
               {hours(24 * 30), "30d"}, {hours(24 * 365 * 3), "3y"}};
  for (const auto& c : cases) EXPECT_EQ(human_duration(c.d), c.want) << c.d.count();
}

}  // namespace
}  // namespace kubesim
