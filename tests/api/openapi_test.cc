// The OpenAPI document and the server agree: every served route is documented and every documented path is
// served, with the same methods. The document itself is linted by tests/api/lint_openapi.mjs (CTest). The AWS
// parts of Environment and OperationReport are checked against what environment_json.cc emits.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <vector>

#include "api/environment_json.h"
#include "api/rest_api.h"
#include "core/yaml_json.h"
#include "web/assets.h"

namespace devenv::api {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, EveryRouteIsDocumentedAndEveryDocumentedRouteExists) {
  http::router router;
  rest_context ctx;  // handlers are not called here; registration only needs the context to exist
  add_environment_routes(router, ctx);
  add_operations_routes(router, ctx);
  add_support_routes(router, ctx);
  add_dashboard_routes(router, ctx);

  std::set<std::pair<std::string, std::string>> served;
  for (const auto& [method, pattern] : router.routes()) {
    // Swagger UI's files under /docs/ and the dashboard's under /dashboard/ are page assets, not operations.
    if (pattern.rfind("/docs/", 0) == 0 || pattern.rfind("/dashboard/", 0) == 0) continue;
    served.emplace(lower(method), pattern);
  }

  const auto* spec = web::find_asset("/openapi.yaml");
  ASSERT_NE(spec, nullptr);
  auto docs = parse_yaml_documents(spec->data);
  ASSERT_TRUE(docs.has_value()) << docs.error().message;
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : (*docs)[0]["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method == "parameters" || method == "summary" || method == "description") continue;
      documented.emplace(method, path);
    }
  }
  for (const auto& route : served) {
    EXPECT_TRUE(documented.count(route))
        << "served but not documented: " << route.first << " " << route.second;
  }
  for (const auto& route : documented) {
    EXPECT_TRUE(served.count(route)) << "documented but not served: " << route.first << " " << route.second;
  }
  EXPECT_GE(served.size(), 9u);
}

// --- The documented shapes of the AWS parts (issue 7) against what environment_json.cc emits.
// ---------------

// A checker for the subset of OpenAPI 3.0 schemas the document uses ($ref, allOf, nullable, type, enum,
// required, properties, items). Inside the schemas named in `strict`, a key the schema does not document is
// an error too, so the document cannot fall behind the code there.
class shape_checker {
 public:
  shape_checker(const nlohmann::json& spec, std::set<std::string> strict)
      : schemas_(spec.at("components").at("schemas")), strict_(std::move(strict)) {}

  std::vector<std::string> check(const std::string& schema_name, const nlohmann::json& value) {
    errors_.clear();
    visit(ref(schema_name), value, schema_name, strict_.count(schema_name) > 0);
    return errors_;
  }

 private:
  nlohmann::json ref(const std::string& name) const { return schemas_.at(name); }

  void visit(const nlohmann::json& schema, const nlohmann::json& value, const std::string& at, bool strict) {
    if (schema.contains("$ref")) {
      const std::string target =
          schema["$ref"].get<std::string>().substr(std::string("#/components/schemas/").size());
      visit(ref(target), value, at, strict || strict_.count(target) > 0);
      return;
    }
    if (value.is_null() && schema.value("nullable", false)) return;
    if (schema.contains("allOf")) {
      for (const auto& part : schema["allOf"]) visit(part, value, at, strict);
      return;
    }
    const std::string type = schema.value("type", "");
    const bool type_ok = type.empty() || (type == "object" && value.is_object()) ||
                         (type == "array" && value.is_array()) || (type == "string" && value.is_string()) ||
                         (type == "integer" && value.is_number_integer()) ||
                         (type == "number" && value.is_number()) || (type == "boolean" && value.is_boolean());
    if (!type_ok) {
      errors_.push_back(at + ": expected " + type + ", got " + value.dump());
      return;
    }
    if (schema.contains("enum") &&
        std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end()) {
      errors_.push_back(at + ": " + value.dump() + " is not one of " + schema["enum"].dump());
    }
    if (type == "array" && schema.contains("items")) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        visit(schema["items"], value[i], at + "[" + std::to_string(i) + "]", strict);
      }
    }
    if (type == "object") {
      const auto properties = schema.value("properties", nlohmann::json::object());
      for (const auto& key : schema.value("required", nlohmann::json::array())) {
        if (!value.contains(key.get<std::string>()))
          errors_.push_back(at + ": required " + key.dump() + " missing");
      }
      for (const auto& [key, v] : value.items()) {
        if (properties.contains(key)) {
          visit(properties[key], v, at + "." + key, strict);
        } else if (strict) {
          errors_.push_back(at + ": " + key + " is not documented");
        }
      }
    }
  }

  nlohmann::json schemas_;
  std::set<std::string> strict_;
  std::vector<std::string> errors_;
};

nlohmann::json spec() {
  const auto* asset = web::find_asset("/openapi.yaml");
  if (asset == nullptr) return nullptr;
  auto docs = parse_yaml_documents(asset->data);
  return docs ? (*docs)[0] : nlohmann::json();
}

const std::set<std::string> aws_schemas = {"AwsInventory", "AwsResource", "OperationResource"};

env::environment_status status_with_aws(std::optional<std::chrono::seconds> age, std::string error) {
  env::environment_status s;
  s.ns = "dev1";
  s.state = env::env_state::stopped;
  s.external = env::external_status{{{"ec2", "i-0dev1a", "t3.micro", "stopped"},
                                     {"rds-instance", "db-dev1", "db.t3.micro", "stopped"},
                                     {"rds-cluster", "aurora-1", "aurora-postgresql", "stopped"}},
                                    age,
                                    !error.empty(),
                                    std::move(error)};
  return s;
}

TEST(OpenApi, EnvironmentAwsIsDocumentedAsEmitted) {
  const auto doc = spec();
  ASSERT_TRUE(doc.is_object());
  shape_checker checker(doc, aws_schemas);
  for (const auto& status : {status_with_aws(std::chrono::seconds(42), ""),
                             status_with_aws(std::nullopt, "RequestLimitExceeded: throttled")}) {
    const auto body = to_json(status);
    ASSERT_TRUE(body.contains("aws")) << body.dump();
    EXPECT_EQ(checker.check("Environment", body), std::vector<std::string>{}) << body.dump();
    // The dashboard shows the same object per environment.
    EXPECT_EQ(checker.check("AwsInventory", body["aws"]), std::vector<std::string>{}) << body.dump();
  }
}

TEST(OpenApi, OperationReportResourcesAreDocumentedAsEmitted) {
  const auto doc = spec();
  ASSERT_TRUE(doc.is_object());
  shape_checker checker(doc, aws_schemas);
  env::operation_report report;
  report.ns = "dev1";
  report.action = env::env_action::stop;
  report.resources = {
      {"ec2", "i-0dev1a", "t3.micro", "running", "stopping", env::resource_outcome::ok, "stop requested"},
      {"ec2", "i-0dev1dead", "t3.small", "terminated", "", env::resource_outcome::failed,
       "terminated: it cannot be stopped"},
      {"rds-instance", "db-dev1", "db.t3.micro", "stopped", "", env::resource_outcome::skipped,
       "already stopped"},
      {"", "", "", "", "", env::resource_outcome::failed, "EC2/RDS not listed: RequestLimitExceeded"},
  };
  report.ok = 1;
  report.skipped = 1;
  report.failed = 2;
  const auto body = to_json(report);
  ASSERT_EQ(body["resources"].size(), 4u) << body.dump();
  EXPECT_EQ(checker.check("OperationReport", body), std::vector<std::string>{}) << body.dump();
}

TEST(OpenApi, TheShapeCheckerRejectsWhatTheDocumentDoesNotSay) {
  const auto doc = spec();
  ASSERT_TRUE(doc.is_object());
  shape_checker checker(doc, aws_schemas);
  auto body = to_json(status_with_aws(std::chrono::seconds(1), ""));
  body["aws"]["resources"][0]["zone"] = "eu-west-1a";  // undocumented key
  body["aws"]["resources"][1]["kind"] = "lambda";      // not in the enum
  body["aws"]["ageSeconds"] = "1";                     // wrong type
  body["aws"].erase("stale");                          // required
  EXPECT_EQ(checker.check("Environment", body).size(), 4u);
}

}  // namespace
}  // namespace devenv::api
