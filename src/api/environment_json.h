// JSON views of the environment domain's values, in the shapes api/openapi.yaml documents
// (Environment, EnvironmentSummary, OperationReport). Pure.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "env/environment_service.h"
#include "schedule/cronjob_manager.h"

namespace devenv::api {

nlohmann::json to_json(const env::environment_status& status);
nlohmann::json to_json(const env::environment_summary& summary);
nlohmann::json to_json(const env::operation_report& report);
// NextShutdown: {time, local, relative, description, suspended, prolongedUntil, prolongedBy}.
nlohmann::json to_json(const schedule::shutdown_info& info);

}  // namespace devenv::api
