#include "server/table.h"

#include <vector>

#include "core/rfc3339.h"

namespace kubesim {
namespace {

using json = nlohmann::json;

struct column {
  std::string name;
  std::string type;    // integer, string, boolean, date
  std::string format;  // "name" for the NAME column
  std::string description;
  int priority = 0;  // 1: only with -o wide
};

// A value in the object at a JSON pointer, or `fallback` when absent.
json at(const json& object, const char* pointer, json fallback) {
  const json::json_pointer ptr(pointer);
  if (object.contains(ptr) && !object.at(ptr).is_null()) return object.at(ptr);
  return fallback;
}

std::int64_t int_at(const json& object, const char* pointer, std::int64_t fallback = 0) {
  const json value = at(object, pointer, fallback);
  return value.is_number_integer() ? value.get<std::int64_t>() : fallback;
}

std::string age_of(const json& object, const char* pointer, std::chrono::system_clock::time_point now) {
  const json value = at(object, pointer, nullptr);
  if (!value.is_string()) return "<unknown>";
  const auto t = devenv::parse_rfc3339(value.get<std::string>());
  if (!t) return "<unknown>";
  return human_duration(now - *t);
}

std::string join_containers(const json& object, const char* pointer, const char* field) {
  std::string joined;
  const json containers = at(object, pointer, json::array());
  if (!containers.is_array()) return "";
  for (const auto& container : containers) {
    if (!joined.empty()) joined += ",";
    if (container.contains(field) && container[field].is_string())
      joined += container[field].get<std::string>();
  }
  return joined;
}

std::string selector_text(const json& object) {
  const json labels = at(object, "/spec/selector/matchLabels", json::object());
  std::string text;
  if (!labels.is_object()) return text;
  for (const auto& [key, value] : labels.items()) {
    if (!text.empty()) text += ",";
    text += key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return text.empty() ? "<none>" : text;
}

const column name_column{"Name", "string", "name",
                         "Name must be unique within a namespace. Cannot be updated.", 0};
const column age_column{
    "Age", "string", "",
    "CreationTimestamp is a timestamp representing the server time when this object was created.", 0};

std::vector<column> columns_for(const resource_kind& kind) {
  if (kind.group == "apps" && kind.resource == "deployments") {
    return {
        name_column,
        {"Ready", "string", "", "Number of the pod with ready state", 0},
        {"Up-to-date", "string", "",
         "Total number of non-terminated pods targeted by this deployment that have the desired template "
         "spec.",
         0},
        {"Available", "string", "",
         "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
         0},
        age_column,
        {"Containers", "string", "", "Names of each container in the template.", 1},
        {"Images", "string", "", "Images referenced by each container in the template.", 1},
        {"Selector", "string", "",
         "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones "
         "affected by this deployment.",
         1}};
  }
  if (kind.group == "apps" && kind.resource == "statefulsets") {
    return {name_column,
            {"Ready", "string", "", "Number of the pod with ready state", 0},
            age_column,
            {"Containers", "string", "", "Names of each container in the template.", 1},
            {"Images", "string", "", "Images referenced by each container in the template.", 1}};
  }
  if (kind.group == "batch" && kind.resource == "cronjobs") {
    return {
        name_column,
        {"Schedule", "string", "", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.", 0},
        {"Timezone", "string", "",
         "The time zone name for the given schedule, see "
         "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.",
         0},
        {"Suspend", "boolean", "",
         "This flag tells the controller to suspend subsequent executions, it does not apply to already "
         "started executions.  Defaults to false.",
         0},
        {"Active", "integer", "", "A list of pointers to currently running jobs.", 0},
        {"Last Schedule", "string", "",
         "Information when was the last time the job was successfully scheduled.", 0},
        age_column,
        {"Containers", "string", "", "Names of each container in the template.", 1},
        {"Images", "string", "", "Images referenced by each container in the template.", 1},
        {"Selector", "string", "", "A label query over pods that should match the pod count.", 1}};
  }
  if (kind.group.empty() && kind.resource == "namespaces") {
    return {name_column, {"Status", "string", "", "The status of the namespace", 0}, age_column};
  }
  return {name_column, age_column};
}

json cells_for(const resource_kind& kind, const json& object, std::chrono::system_clock::time_point now) {
  const std::string name = at(object, "/metadata/name", "").get<std::string>();
  const std::string age = age_of(object, "/metadata/creationTimestamp", now);
  if (kind.group == "apps" && kind.resource == "deployments") {
    const auto desired = int_at(object, "/spec/replicas", 1);
    return {name,
            std::to_string(int_at(object, "/status/readyReplicas")) + "/" + std::to_string(desired),
            int_at(object, "/status/updatedReplicas"),
            int_at(object, "/status/availableReplicas"),
            age,
            join_containers(object, "/spec/template/spec/containers", "name"),
            join_containers(object, "/spec/template/spec/containers", "image"),
            selector_text(object)};
  }
  if (kind.group == "apps" && kind.resource == "statefulsets") {
    const auto desired = int_at(object, "/spec/replicas", 1);
    return {name, std::to_string(int_at(object, "/status/readyReplicas")) + "/" + std::to_string(desired),
            age, join_containers(object, "/spec/template/spec/containers", "name"),
            join_containers(object, "/spec/template/spec/containers", "image")};
  }
  if (kind.group == "batch" && kind.resource == "cronjobs") {
    const json active = at(object, "/status/active", json::array());
    const json last = at(object, "/status/lastScheduleTime", nullptr);
    return {name,
            at(object, "/spec/schedule", "").get<std::string>(),
            at(object, "/spec/timeZone", "<none>"),
            at(object, "/spec/suspend", false),
            active.is_array() ? active.size() : 0,
            last.is_string() ? age_of(object, "/status/lastScheduleTime", now) : std::string("<none>"),
            age,
            join_containers(object, "/spec/jobTemplate/spec/template/spec/containers", "name"),
            join_containers(object, "/spec/jobTemplate/spec/template/spec/containers", "image"),
            "<none>"};
  }
  if (kind.group.empty() && kind.resource == "namespaces") {
    return {name, at(object, "/status/phase", "Active"), age};
  }
  return {name, age};
}

json partial_metadata(const json& object) {
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", object.contains("metadata") ? object["metadata"] : json::object()}};
}

bool is_list(const json& value) {
  return value.is_object() && value.contains("items") && value["items"].is_array();
}

// Media-type parameters of one Accept entry ("application/json;as=Table;v=v1;g=meta.k8s.io").
bool entry_has(std::string_view entry, std::string_view parameter) {
  std::size_t pos = 0;
  while ((pos = entry.find(';', pos)) != std::string_view::npos) {
    ++pos;
    while (pos < entry.size() && entry[pos] == ' ') ++pos;
    const auto end = entry.find(';', pos);
    std::string_view param = entry.substr(pos, end == std::string_view::npos ? end : end - pos);
    while (!param.empty() && param.back() == ' ') param.remove_suffix(1);
    if (param == parameter) return true;
  }
  return false;
}

}  // namespace

include_object parse_include_object(std::string_view value) {
  if (value == "None") return include_object::none;
  if (value == "Object") return include_object::object;
  return include_object::metadata;
}

response_form negotiate_form(std::string_view accept) {
  // Entries are in the client's order of preference; the first we can serve wins.
  std::size_t start = 0;
  while (start < accept.size()) {
    const auto end = accept.find(',', start);
    const std::string_view entry = accept.substr(start, end == std::string_view::npos ? end : end - start);
    const bool meta_v1 =
        entry_has(entry, "g=meta.k8s.io") && (entry_has(entry, "v=v1") || entry_has(entry, "v=v1beta1"));
    if (meta_v1 && entry_has(entry, "as=Table")) return response_form::table;
    if (meta_v1 &&
        (entry_has(entry, "as=PartialObjectMetadata") || entry_has(entry, "as=PartialObjectMetadataList")))
      return response_form::partial_metadata;
    if (entry.find("json") != std::string_view::npos || entry.find("*/*") != std::string_view::npos)
      return response_form::object;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return response_form::object;
}

json to_table(const resource_kind& kind, const json& object_or_list, include_object include,
              std::chrono::system_clock::time_point now) {
  json definitions = json::array();
  for (const auto& c : columns_for(kind)) {
    definitions.push_back({{"name", c.name},
                           {"type", c.type},
                           {"format", c.format},
                           {"description", c.description},
                           {"priority", c.priority}});
  }
  json rows = json::array();
  auto add_row = [&](const json& object) {
    json row = {{"cells", cells_for(kind, object, now)}};
    if (include == include_object::metadata) {
      row["object"] = partial_metadata(object);
    } else if (include == include_object::object) {
      json full = object;
      // List items carry no kind; a row's object must say what it is.
      if (!full.contains("kind")) full["kind"] = kind.kind;
      if (!full.contains("apiVersion")) full["apiVersion"] = kind.api_version();
      row["object"] = std::move(full);
    }
    rows.push_back(std::move(row));
  };
  json metadata = json::object();
  if (is_list(object_or_list)) {
    for (const auto& item : object_or_list["items"]) add_row(item);
    if (object_or_list.contains("metadata") && object_or_list["metadata"].is_object()) {
      for (const char* key : {"resourceVersion", "continue", "remainingItemCount"}) {
        if (object_or_list["metadata"].contains(key)) metadata[key] = object_or_list["metadata"][key];
      }
    }
  } else {
    add_row(object_or_list);
    if (object_or_list.contains(json::json_pointer("/metadata/resourceVersion")))
      metadata["resourceVersion"] = object_or_list[json::json_pointer("/metadata/resourceVersion")];
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", metadata},
          {"columnDefinitions", definitions},
          {"rows", rows}};
}

json to_partial_metadata(const json& object_or_list) {
  if (!is_list(object_or_list)) return partial_metadata(object_or_list);
  json items = json::array();
  for (const auto& item : object_or_list["items"]) items.push_back(partial_metadata(item));
  return {{"kind", "PartialObjectMetadataList"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", object_or_list.value("metadata", json::object())},
          {"items", items}};
}

std::string human_duration(std::chrono::system_clock::duration d) {
  using namespace std::chrono;
  const auto total = duration_cast<seconds>(d).count();
  if (total < -1) return "<invalid>";
  if (total < 0) return "0s";
  if (total < 60 * 2) return std::to_string(total) + "s";
  const auto minutes_total = total / 60;
  if (minutes_total < 10) {
    const auto s = total % 60;
    return std::to_string(minutes_total) + "m" + (s == 0 ? "" : std::to_string(s) + "s");
  }
  if (minutes_total < 60 * 3) return std::to_string(minutes_total) + "m";
  const auto hours_total = total / 3600;
  if (hours_total < 8) {
    const auto m = minutes_total % 60;
    return std::to_string(hours_total) + "h" + (m == 0 ? "" : std::to_string(m) + "m");
  }
  if (hours_total < 48) return std::to_string(hours_total) + "h";
  if (hours_total < 24 * 8) {
    const auto h = hours_total % 24;
    return std::to_string(hours_total / 24) + "d" + (h == 0 ? "" : std::to_string(h) + "h");
  }
  if (hours_total < 24 * 365 * 2) return std::to_string(hours_total / 24) + "d";
  if (hours_total < 24 * 365 * 8) {
    const auto days = hours_total / 24 % 365;
    return std::to_string(hours_total / 24 / 365) + "y" + (days == 0 ? "" : std::to_string(days) + "d");
  }
  return std::to_string(hours_total / 24 / 365) + "y";
}

}  // namespace kubesim
