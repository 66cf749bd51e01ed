// libFuzzer target: AWS answers as a hostile or broken endpoint (an emulator, a proxy) could send them,
// through every pure parser of src/aws: EC2 DescribeInstances and Start/StopInstances, RDS
// DescribeDBInstances, DescribeDBClusters and Start/Stop of an instance or a cluster, and error bodies of
// every shape (EC2 and Query XML, JSON 1.0). Each input is tried by all of them. Invariants: never throws; a
// refusal has a message; every parsed instance, change, database and cluster has a non-empty id; the
// pagination token (nextToken, Marker) comes only from its element; a parsed answer written back as XML
// parses to the same values (so nothing, the token included, is lost or invented); an error has a code or a
// message and its kind is classify()'s.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aws/api_error.h"
#include "aws/ec2_xml.h"
#include "aws/rds_xml.h"

namespace {

using namespace devenv::aws;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

template <class T>
void check_refusal(const devenv::result<T>& r) {
  check(!r.error().message.empty());
}

// An element holding `text` exactly: markup characters and every byte up to space as character references,
// so neither whitespace handling nor end-of-line normalisation can change it on the way back.
std::string element(std::string_view name, std::string_view text) {
  std::string out = "<" + std::string(name) + ">";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || c == '&' || c == '<' || c == '>') {
      out += "&#" + std::to_string(u) + ";";
    } else {
      out += c;
    }
  }
  return out + "</" + std::string(name) + ">";
}

std::string tags_xml(const std::vector<tag>& tags, std::string_view item, std::string_view key,
                     std::string_view value) {
  std::string out;
  for (const auto& t : tags)
    out += "<" + std::string(item) + ">" + element(key, t.key) + element(value, t.value) + "</" +
           std::string(item) + ">";
  return out;
}

bool has_element_name(std::string_view text, std::string_view name) {
  // Names are ASCII; only a UTF-16/32 document (which has NUL bytes) could spell one differently.
  return text.find(name) != std::string_view::npos || text.find('\0') != std::string_view::npos;
}

bool same(const ec2_instance& a, const ec2_instance& b) {
  return a.id == b.id && a.instance_type == b.instance_type && a.state == b.state &&
         a.launch_time == b.launch_time && a.tags == b.tags;
}

bool same(const state_change& a, const state_change& b) {
  return a.id == b.id && a.previous_state == b.previous_state && a.current_state == b.current_state &&
         a.already == b.already;
}

bool same(const db_instance& a, const db_instance& b) {
  return a.identifier == b.identifier && a.arn == b.arn && a.instance_class == b.instance_class &&
         a.engine == b.engine && a.status == b.status && a.cluster_identifier == b.cluster_identifier &&
         a.tags == b.tags;
}

bool same(const db_cluster& a, const db_cluster& b) {
  return a.identifier == b.identifier && a.arn == b.arn && a.engine == b.engine && a.status == b.status &&
         a.members == b.members && a.tags == b.tags;
}

template <class T>
bool same_all(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same(a[i], b[i])) return false;
  }
  return true;
}

std::string ec2_instance_xml(const ec2_instance& i) {
  return "<item>" + element("instanceId", i.id) + "<instanceState>" + element("name", i.state) +
         "</instanceState>" + element("instanceType", i.instance_type) +
         element("launchTime", i.launch_time) + "<tagSet>" + tags_xml(i.tags, "item", "key", "value") +
         "</tagSet></item>";
}

std::string db_instance_xml(const db_instance& d) {
  return "<DBInstance>" + element("DBInstanceIdentifier", d.identifier) + element("DBInstanceArn", d.arn) +
         element("DBInstanceClass", d.instance_class) + element("Engine", d.engine) +
         element("DBInstanceStatus", d.status) + element("DBClusterIdentifier", d.cluster_identifier) +
         "<TagList>" + tags_xml(d.tags, "Tag", "Key", "Value") + "</TagList></DBInstance>";
}

std::string db_cluster_xml(const db_cluster& c) {
  std::string members;
  for (const auto& m : c.members)
    members += "<DBClusterMember>" + element("DBInstanceIdentifier", m) + "</DBClusterMember>";
  return "<DBCluster>" + element("DBClusterIdentifier", c.identifier) + element("DBClusterArn", c.arn) +
         element("Engine", c.engine) + element("Status", c.status) + "<DBClusterMembers>" + members +
         "</DBClusterMembers><TagList>" + tags_xml(c.tags, "Tag", "Key", "Value") + "</TagList></DBCluster>";
}

std::string rds_answer(std::string_view action, const std::string& result) {
  const std::string a(action);
  return "<" + a + "Response><" + a + "Result>" + result + "</" + a + "Result></" + a + "Response>";
}

void fuzz_ec2(std::string_view text) {
  if (const auto page = parse_describe_instances(text); page) {
    for (const auto& i : page->instances) check(!i.id.empty());
    if (!has_element_name(text, "nextToken")) check(page->next_token.empty());
    std::string xml = "<DescribeInstancesResponse><reservationSet><item><instancesSet>";
    for (const auto& i : page->instances) xml += ec2_instance_xml(i);
    xml += "</instancesSet></item></reservationSet>" + element("nextToken", page->next_token) +
           "</DescribeInstancesResponse>";
    const auto again = parse_describe_instances(xml);
    check(again && same_all(again->instances, page->instances) && again->next_token == page->next_token);
  } else {
    check_refusal(page);
  }

  if (const auto changes = parse_instance_state_changes(text); changes) {
    std::string xml = "<StopInstancesResponse><instancesSet>";
    for (const auto& c : *changes) {
      check(!c.id.empty() && !c.already);
      xml += "<item>" + element("instanceId", c.id) + "<currentState>" + element("name", c.current_state) +
             "</currentState><previousState>" + element("name", c.previous_state) + "</previousState></item>";
    }
    xml += "</instancesSet></StopInstancesResponse>";
    const auto again = parse_instance_state_changes(xml);
    check(again && same_all(*again, *changes));
  } else {
    check_refusal(changes);
  }
}

void fuzz_rds(std::string_view text) {
  if (const auto page = parse_describe_db_instances(text); page) {
    std::string result = element("Marker", page->marker) + "<DBInstances>";
    for (const auto& d : page->instances) {
      check(!d.identifier.empty());
      result += db_instance_xml(d);
    }
    if (!has_element_name(text, "Marker")) check(page->marker.empty());
    const auto again =
        parse_describe_db_instances(rds_answer("DescribeDBInstances", result + "</DBInstances>"));
    check(again && same_all(again->instances, page->instances) && again->marker == page->marker);
  } else {
    check_refusal(page);
  }

  if (const auto page = parse_describe_db_clusters(text); page) {
    std::string result = element("Marker", page->marker) + "<DBClusters>";
    for (const auto& c : page->clusters) {
      check(!c.identifier.empty());
      result += db_cluster_xml(c);
    }
    if (!has_element_name(text, "Marker")) check(page->marker.empty());
    const auto again = parse_describe_db_clusters(rds_answer("DescribeDBClusters", result + "</DBClusters>"));
    check(again && same_all(again->clusters, page->clusters) && again->marker == page->marker);
  } else {
    check_refusal(page);
  }

  if (const auto d = parse_db_instance_action(text); d) {
    check(!d->identifier.empty());
    const auto again = parse_db_instance_action(rds_answer("StartDBInstance", db_instance_xml(*d)));
    check(again && same(*again, *d));
  } else {
    check_refusal(d);
  }

  if (const auto c = parse_db_cluster_action(text); c) {
    check(!c->identifier.empty());
    const auto again = parse_db_cluster_action(rds_answer("StopDBCluster", db_cluster_xml(*c)));
    check(again && same(*again, *c));
  } else {
    check_refusal(c);
  }
}

void fuzz_error(std::string_view text, long status) {
  const auto e = parse_error_response(status, text);
  check(e.http_status == status && (!e.code.empty() || !e.message.empty()) &&
        e.kind == classify(status, e.code));
  check(!e.describe().empty());
  check(parse_error_response(status, text, "req-1").request_id == "req-1");  // the header wins
  // Written back in EC2's error shape, the same code, message and request id come out (NUL cannot be in XML).
  const auto nul = [](const std::string& s) { return s.find('\0') != std::string::npos; };
  if (nul(e.code) || nul(e.message) || nul(e.request_id)) return;
  const auto again = parse_error_response(status, "<Response><Errors><Error>" + element("Code", e.code) +
                                                      element("Message", e.message) + "</Error></Errors>" +
                                                      element("RequestID", e.request_id) + "</Response>");
  check(again.code == e.code && again.message == e.message && again.request_id == e.request_id &&
        again.kind == e.kind);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_ec2(text);
  fuzz_rds(text);
  // The status steers classify(): a client error, throttling, a server error.
  for (const long status : {400L, 429L, 503L}) fuzz_error(text, status);
  return 0;
}
