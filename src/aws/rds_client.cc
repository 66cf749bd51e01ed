#include "aws/rds_client.h"

#include <algorithm>

namespace devenv::aws {
namespace {

api_error parse_failure(const devenv::error& e) {
  api_error out;
  out.kind = e.code;
  out.message = e.message;
  return out;
}

api_error no_progress(std::string_view action) {
  api_error e;
  e.message = std::string(action) + ": pagination did not advance";
  return e;
}

bool already_in(bool start, std::string_view status) {
  return start ? (status == "available" || status == "starting")
               : (status == "stopped" || status == "stopping");
}

template <class Page, class Item>
aws_result<std::vector<Item>> describe_all(const signed_client& client, std::string_view action,
                                           int page_size, result<Page> (*parse)(std::string_view),
                                           std::vector<Item> Page::*items) {
  std::vector<Item> out;
  std::string marker;
  for (int page_number = 1;; ++page_number) {
    query_params params{{"MaxRecords", std::to_string(page_size)}};
    if (!marker.empty()) params.emplace_back("Marker", marker);
    auto body = client.query(action, rds_client::api_version, params);
    if (!body) return fail_aws(std::move(body.error()));
    auto page = parse(*body);
    if (!page) return fail_aws(parse_failure(page.error()));
    auto& got = (*page).*items;
    std::move(got.begin(), got.end(), std::back_inserter(out));
    if (page->marker.empty()) break;
    if (page->marker == marker || page_number >= 100'000) return fail_aws(no_progress(action));
    marker = std::move(page->marker);
  }
  return out;
}

}  // namespace

rds_client::rds_client(const signed_client& client, rds_client_options options)
    : client_(client), options_(options) {
  options_.page_size = std::clamp(options_.page_size, 20, 100);
}

aws_result<std::vector<db_instance>> rds_client::describe_db_instances() const {
  return describe_all(client_, "DescribeDBInstances", options_.page_size, &parse_describe_db_instances,
                      &db_instance_page::instances);
}

aws_result<std::vector<db_cluster>> rds_client::describe_db_clusters() const {
  return describe_all(client_, "DescribeDBClusters", options_.page_size, &parse_describe_db_clusters,
                      &db_cluster_page::clusters);
}

batch_result rds_client::start_db_instances(const std::vector<std::string>& ids) const {
  return change(false, true, ids);
}
batch_result rds_client::stop_db_instances(const std::vector<std::string>& ids) const {
  return change(false, false, ids);
}
batch_result rds_client::start_db_clusters(const std::vector<std::string>& ids) const {
  return change(true, true, ids);
}
batch_result rds_client::stop_db_clusters(const std::vector<std::string>& ids) const {
  return change(true, false, ids);
}

batch_result rds_client::change(bool cluster, bool start, const std::vector<std::string>& ids) const {
  const std::string action = std::string(start ? "Start" : "Stop") + (cluster ? "DBCluster" : "DBInstance");
  const std::string id_param = cluster ? "DBClusterIdentifier" : "DBInstanceIdentifier";
  const std::string_view wrong_state = cluster ? "InvalidDBClusterStateFault" : "InvalidDBInstanceState";
  batch_result out;
  std::vector<std::string> seen;
  for (const auto& id : ids) {
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    seen.push_back(id);
    auto body = client_.query(action, api_version, {{id_param, id}});
    if (body) {
      auto status = cluster ? parse_db_cluster_action(*body).map([](db_cluster c) { return c.status; })
                            : parse_db_instance_action(*body).map([](db_instance d) { return d.status; });
      if (!status) {
        out.failed.push_back({id, parse_failure(status.error())});
      } else {
        out.done.push_back({id, "", *status, false});
      }
      continue;
    }
    if (body.error().code != wrong_state) {
      out.failed.push_back({id, std::move(body.error())});
      continue;
    }
    // Not in a state the action starts from: done when it is already where the action leads.
    const auto describe_action = cluster ? "DescribeDBClusters" : "DescribeDBInstances";
    auto current = client_.query(describe_action, api_version, {{id_param, id}});
    std::string status;
    if (current && cluster) {
      auto page = parse_describe_db_clusters(*current);
      if (page && page->clusters.size() == 1) status = page->clusters.front().status;
    } else if (current) {
      auto page = parse_describe_db_instances(*current);
      // An Aurora member cannot be started or stopped alone: report the state error, not "already".
      if (page && page->instances.size() == 1 && page->instances.front().cluster_identifier.empty())
        status = page->instances.front().status;
    }
    if (already_in(start, status)) {
      out.done.push_back({id, status, status, true});
    } else {
      out.failed.push_back({id, std::move(body.error())});
    }
  }
  return out;
}

}  // namespace devenv::aws
