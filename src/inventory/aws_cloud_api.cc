#include "inventory/aws_cloud_api.h"

namespace devenv::inventory {
namespace {

std::map<std::string, std::string> to_map(const std::vector<aws::tag>& tags) {
  std::map<std::string, std::string> out;
  for (const auto& t : tags) out[t.key] = t.value;
  return out;
}

}  // namespace

resource from_ec2(const aws::ec2_instance& instance) {
  resource r;
  r.kind = resource_kind::ec2;
  r.id = instance.id;
  r.type = instance.instance_type;
  r.state = instance.state;
  r.tags = to_map(instance.tags);
  return r;
}

resource from_db_instance(const aws::db_instance& instance) {
  resource r;
  r.kind = resource_kind::rds_instance;
  r.id = instance.identifier;
  r.type = instance.instance_class;
  r.state = instance.status;
  r.tags = to_map(instance.tags);
  r.cluster_id = instance.cluster_identifier;
  return r;
}

resource from_db_cluster(const aws::db_cluster& cluster) {
  resource r;
  r.kind = resource_kind::rds_cluster;
  r.id = cluster.identifier;
  r.type = cluster.engine;
  r.state = cluster.status;
  r.tags = to_map(cluster.tags);
  return r;
}

std::vector<change_outcome> from_batch(const aws::batch_result& batch) {
  std::vector<change_outcome> out;
  for (const auto& d : batch.done) out.push_back({d.id, d.current_state, d.already, ""});
  for (const auto& f : batch.failed) {
    out.push_back({f.id, "", false, f.error.describe().empty() ? "failed" : f.error.describe()});
  }
  return out;
}

result<std::vector<resource>> aws_cloud_api::describe(const tag_keys& keys, std::string_view ns) {
  // tag_filter takes the bare tag key (the client writes Filter.N.Name=tag:<key>).
  std::vector<aws::tag_filter> filters = {{keys.scheduler_key, {keys.scheduler_value}}};
  if (!ns.empty()) filters.push_back({keys.namespace_key, {std::string(ns)}});
  std::vector<resource> out;
  auto instances = ec2_.describe_instances(filters);
  if (!instances)
    return fail(instances.error().kind, "EC2 DescribeInstances: " + instances.error().describe());
  for (const auto& i : *instances) out.push_back(from_ec2(i));
  auto dbs = rds_.describe_db_instances();
  if (!dbs) return fail(dbs.error().kind, "RDS DescribeDBInstances: " + dbs.error().describe());
  for (const auto& d : *dbs) out.push_back(from_db_instance(d));
  auto clusters = rds_.describe_db_clusters();
  if (!clusters) return fail(clusters.error().kind, "RDS DescribeDBClusters: " + clusters.error().describe());
  for (const auto& c : *clusters) out.push_back(from_db_cluster(c));
  return out;
}

std::vector<change_outcome> aws_cloud_api::change(bool start, resource_kind kind,
                                                  const std::vector<std::string>& ids) {
  switch (kind) {
    case resource_kind::ec2:
      return from_batch(start ? ec2_.start_instances(ids) : ec2_.stop_instances(ids));
    case resource_kind::rds_instance:
      return from_batch(start ? rds_.start_db_instances(ids) : rds_.stop_db_instances(ids));
    case resource_kind::rds_cluster:
      return from_batch(start ? rds_.start_db_clusters(ids) : rds_.stop_db_clusters(ids));
  }
  return {};
}

}  // namespace devenv::inventory
