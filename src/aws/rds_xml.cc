#include "aws/rds_xml.h"

#include <fmt/format.h>

#include "aws/xml_util.h"

namespace devenv::aws {
namespace {

std::vector<tag> parse_tag_list(pugi::xml_node list) {
  std::vector<tag> out;
  for (const auto t : list.children("Tag")) out.push_back({xml::text(t, "Key"), xml::text(t, "Value")});
  return out;
}

db_instance parse_instance(pugi::xml_node node) {
  db_instance out;
  out.identifier = xml::text(node, "DBInstanceIdentifier");
  out.arn = xml::text(node, "DBInstanceArn");
  out.instance_class = xml::text(node, "DBInstanceClass");
  out.engine = xml::text(node, "Engine");
  out.status = xml::text(node, "DBInstanceStatus");
  out.cluster_identifier = xml::text(node, "DBClusterIdentifier");
  out.tags = parse_tag_list(node.child("TagList"));
  return out;
}

db_cluster parse_cluster(pugi::xml_node node) {
  db_cluster out;
  out.identifier = xml::text(node, "DBClusterIdentifier");
  out.arn = xml::text(node, "DBClusterArn");
  out.engine = xml::text(node, "Engine");
  out.status = xml::text(node, "Status");
  for (const auto m : node.child("DBClusterMembers").children("DBClusterMember"))
    out.members.push_back(xml::text(m, "DBInstanceIdentifier"));
  out.tags = parse_tag_list(node.child("TagList"));
  return out;
}

// <XResponse><XResult>…: the result element of action X.
result<pugi::xml_node> action_result(const pugi::xml_document& doc, std::string_view action) {
  const auto root = xml::root(doc, std::string(action) + "Response");
  if (!root) return tl::unexpected(root.error());
  const auto result_node = root->child((std::string(action) + "Result").c_str());
  if (!result_node) return fail(errc::unavailable, fmt::format("{}: no {}Result element", action, action));
  return result_node;
}

}  // namespace

result<db_instance_page> parse_describe_db_instances(std::string_view text) {
  pugi::xml_document doc;
  if (auto loaded = xml::load(doc, text, "DescribeDBInstances"); !loaded)
    return tl::unexpected(loaded.error());
  const auto node = action_result(doc, "DescribeDBInstances");
  if (!node) return tl::unexpected(node.error());
  db_instance_page page;
  page.marker = xml::text(*node, "Marker");
  for (const auto d : node->child("DBInstances").children("DBInstance")) {
    page.instances.push_back(parse_instance(d));
    if (page.instances.back().identifier.empty())
      return fail(errc::unavailable, "DescribeDBInstances: an instance without DBInstanceIdentifier");
  }
  return page;
}

result<db_cluster_page> parse_describe_db_clusters(std::string_view text) {
  pugi::xml_document doc;
  if (auto loaded = xml::load(doc, text, "DescribeDBClusters"); !loaded)
    return tl::unexpected(loaded.error());
  const auto node = action_result(doc, "DescribeDBClusters");
  if (!node) return tl::unexpected(node.error());
  db_cluster_page page;
  page.marker = xml::text(*node, "Marker");
  for (const auto c : node->child("DBClusters").children("DBCluster")) {
    page.clusters.push_back(parse_cluster(c));
    if (page.clusters.back().identifier.empty())
      return fail(errc::unavailable, "DescribeDBClusters: a cluster without DBClusterIdentifier");
  }
  return page;
}

result<db_instance> parse_db_instance_action(std::string_view text) {
  pugi::xml_document doc;
  if (auto loaded = xml::load(doc, text, "Start/StopDBInstance"); !loaded)
    return tl::unexpected(loaded.error());
  const std::string_view name = doc.document_element().name();
  if (name != "StartDBInstanceResponse" && name != "StopDBInstanceResponse")
    return fail(errc::unavailable, "expected a StartDBInstanceResponse or StopDBInstanceResponse document");
  const auto action = name.substr(0, name.size() - std::string_view("Response").size());
  const auto node = action_result(doc, action);
  if (!node) return tl::unexpected(node.error());
  auto out = parse_instance(node->child("DBInstance"));
  if (out.identifier.empty()) return fail(errc::unavailable, std::string(action) + ": no DBInstance");
  return out;
}

result<db_cluster> parse_db_cluster_action(std::string_view text) {
  pugi::xml_document doc;
  if (auto loaded = xml::load(doc, text, "Start/StopDBCluster"); !loaded)
    return tl::unexpected(loaded.error());
  const std::string_view name = doc.document_element().name();
  if (name != "StartDBClusterResponse" && name != "StopDBClusterResponse")
    return fail(errc::unavailable, "expected a StartDBClusterResponse or StopDBClusterResponse document");
  const auto action = name.substr(0, name.size() - std::string_view("Response").size());
  const auto node = action_result(doc, action);
  if (!node) return tl::unexpected(node.error());
  auto out = parse_cluster(node->child("DBCluster"));
  if (out.identifier.empty()) return fail(errc::unavailable, std::string(action) + ": no DBCluster");
  return out;
}

}  // namespace devenv::aws
