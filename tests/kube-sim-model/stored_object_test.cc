#include "model/stored_object.h"

#include <gtest/gtest.h>

namespace kubesim {
namespace {

using json = nlohmann::json;

json erased(json object) {
  object.erase("apiVersion");
  object.erase("kind");
  return object;
}

TEST(StoredObject, TextIsTheListItemDumpAndRoundTrips) {
  struct row {
    const char* label;
    json object;
  };
  const row rows[] = {
      {"plain",
       json::parse(
           R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"b":"2","a":"1"}},
                      "data":{"k":"v"}})")},
      // Keys that sort before "apiVersion" and between it and "kind".
      {"odd keys",
       json::parse(R"({"Zed":1,"aa":[1,2],"apiVersion":"v1","b":null,"kind":"X","metadata":{}})")},
      {"numbers", json::parse(R"({"apiVersion":"v1","kind":"X","n":-3,"u":18446744073709551615,"f":1.5,
                                  "z":-0.0,"e":1e300,"t":true})")},
      {"escapes", json{{"apiVersion", "v1"},
                       {"kind", "X"},
                       {"metadata", {{"annotations", {{"a\"b", "line\nbreak \u00e9 \\ \t"}}}}}}},
      {"empty", json::object()},
  };
  for (const auto& r : rows) {
    const stored_object stored(r.object);
    EXPECT_EQ(stored.item_text(), erased(r.object).dump()) << r.label;
    json expected = r.object;
    expected["apiVersion"] = "v9";
    expected["kind"] = "K";
    EXPECT_EQ(stored.to_json("v9", "K"), expected) << r.label;
    EXPECT_EQ(stored.to_json("v9", "K").dump(), expected.dump()) << r.label;
  }
}

TEST(StoredObject, KeepsStringLabelsSortedByKey) {
  const stored_object stored(
      json::parse(R"({"metadata":{"labels":{"tier":"front","app":"web","n":3,"example.com/team":"a"}}})"));
  EXPECT_EQ(stored.labels(),
            (label_list{{"app", "web"}, {"example.com/team", "a"}, {"tier", "front"}}));  // 3 is not a string
  EXPECT_TRUE(stored_object(json::parse(R"({"metadata":{"labels":null}})")).labels().empty());
  EXPECT_TRUE(stored_object(json::parse(R"({"spec":{}})")).labels().empty());
}

}  // namespace
}  // namespace kubesim
