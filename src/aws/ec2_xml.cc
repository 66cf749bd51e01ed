#include "aws/ec2_xml.h"

#include "aws/xml_util.h"

namespace devenv::aws {
namespace {

std::vector<tag> parse_tag_set(pugi::xml_node set) {
  std::vector<tag> out;
  for (const auto item : set.children("item"))
    out.push_back({xml::text(item, "key"), xml::text(item, "value")});
  return out;
}

}  // namespace

std::optional<std::string> find_tag(const std::vector<tag>& tags, std::string_view key) {
  for (const auto& t : tags) {
    if (t.key == key) return t.value;
  }
  return std::nullopt;
}

result<ec2_instance_page> parse_describe_instances(std::string_view text) {
  pugi::xml_document doc;
  if (auto loaded = xml::load(doc, text, "DescribeInstances"); !loaded) return tl::unexpected(loaded.error());
  const auto root = xml::root(doc, "DescribeInstancesResponse");
  if (!root) return tl::unexpected(root.error());
  ec2_instance_page page;
  page.next_token = xml::text(*root, "nextToken");
  for (const auto reservation : root->child("reservationSet").children("item")) {
    for (const auto item : reservation.child("instancesSet").children("item")) {
      ec2_instance instance;
      instance.id = xml::text(item, "instanceId");
      instance.instance_type = xml::text(item, "instanceType");
      instance.state = item.child("instanceState").child("name").text().as_string();
      instance.launch_time = xml::text(item, "launchTime");
      instance.tags = parse_tag_set(item.child("tagSet"));
      if (instance.id.empty())
        return fail(errc::unavailable, "DescribeInstances: an instance without instanceId");
      page.instances.push_back(std::move(instance));
    }
  }
  return page;
}

result<std::vector<state_change>> parse_instance_state_changes(std::string_view text) {
  pugi::xml_document doc;
  if (auto loaded = xml::load(doc, text, "Start/StopInstances"); !loaded)
    return tl::unexpected(loaded.error());
  const auto root = doc.document_element();
  const std::string_view name = root.name();
  if (name != "StartInstancesResponse" && name != "StopInstancesResponse")
    return fail(errc::unavailable, "expected a StartInstancesResponse or StopInstancesResponse document");
  std::vector<state_change> out;
  for (const auto item : root.child("instancesSet").children("item")) {
    state_change change;
    change.id = xml::text(item, "instanceId");
    change.previous_state = item.child("previousState").child("name").text().as_string();
    change.current_state = item.child("currentState").child("name").text().as_string();
    if (change.id.empty()) return fail(errc::unavailable, std::string(name) + ": an item without instanceId");
    out.push_back(std::move(change));
  }
  return out;
}

}  // namespace devenv::aws
