#include "aws/ec2_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>

namespace devenv::aws {
namespace {

api_error parse_failure(const devenv::error& e) {
  api_error out;
  out.kind = e.code;
  out.message = e.message;
  return out;
}

// Errors that concern one of the ids rather than the call: worth retrying the ids one by one.
bool per_instance_error(const api_error& e) {
  return e.code == "InvalidInstanceID.NotFound" || e.code == "InvalidInstanceID.Malformed" ||
         e.code == "IncorrectInstanceState" || e.code == "UnsupportedOperation" || e.code == "IncorrectState";
}

bool already_in(std::string_view wanted, std::string_view previous) {
  if (wanted == "stopped") return previous == "stopped" || previous == "stopping";
  return previous == "running" || previous == "pending";
}

}  // namespace

ec2_client::ec2_client(const signed_client& client, ec2_client_options options)
    : client_(client), options_(options) {
  options_.page_size = std::clamp(options_.page_size, 5, 1000);
  options_.batch_size = std::max(options_.batch_size, 1);
}

aws_result<std::vector<ec2_instance>> ec2_client::describe_instances(
    const std::vector<tag_filter>& filters) const {
  query_params base;
  for (std::size_t i = 0; i < filters.size(); ++i) {
    base.emplace_back(fmt::format("Filter.{}.Name", i + 1), "tag:" + filters[i].key);
    for (std::size_t j = 0; j < filters[i].values.size(); ++j)
      base.emplace_back(fmt::format("Filter.{}.Value.{}", i + 1, j + 1), filters[i].values[j]);
  }
  base.emplace_back("MaxResults", std::to_string(options_.page_size));
  std::vector<ec2_instance> out;
  std::string token;
  for (int page_number = 1;; ++page_number) {
    auto params = base;
    if (!token.empty()) params.emplace_back("NextToken", token);
    auto body = client_.query("DescribeInstances", api_version, params);
    if (!body) return fail_aws(std::move(body.error()));
    auto page = parse_describe_instances(*body);
    if (!page) return fail_aws(parse_failure(page.error()));
    std::move(page->instances.begin(), page->instances.end(), std::back_inserter(out));
    if (page->next_token.empty()) break;
    // A token that does not move would loop forever; AWS never does that, a broken proxy might.
    if (page->next_token == token || page_number >= 100'000) {
      api_error e;
      e.message = "DescribeInstances: pagination did not advance";
      return fail_aws(std::move(e));
    }
    token = std::move(page->next_token);
  }
  return out;
}

batch_result ec2_client::start_instances(const std::vector<std::string>& ids) const {
  return change_state("StartInstances", ids, "running");
}

batch_result ec2_client::stop_instances(const std::vector<std::string>& ids) const {
  return change_state("StopInstances", ids, "stopped");
}

batch_result ec2_client::change_state(std::string_view action, const std::vector<std::string>& ids,
                                      std::string_view wanted) const {
  // Duplicates would make EC2 reject the call; order is kept for readable reports.
  std::vector<std::string> unique;
  for (const auto& id : ids) {
    if (std::find(unique.begin(), unique.end(), id) == unique.end()) unique.push_back(id);
  }
  batch_result out;
  const auto call = [&](std::span<const std::string> chunk) -> aws_result<std::vector<state_change>> {
    query_params params;
    for (std::size_t i = 0; i < chunk.size(); ++i)
      params.emplace_back(fmt::format("InstanceId.{}", i + 1), chunk[i]);
    auto body = client_.query(action, api_version, params);
    if (!body) return fail_aws(std::move(body.error()));
    auto changes = parse_instance_state_changes(*body);
    if (!changes) return fail_aws(parse_failure(changes.error()));
    for (auto& c : *changes) c.already = already_in(wanted, c.previous_state);
    return std::move(*changes);
  };
  const auto record = [&](std::span<const std::string> chunk, aws_result<std::vector<state_change>> answer) {
    if (answer) {
      for (auto& c : *answer) out.done.push_back(std::move(c));
    } else {
      for (const auto& id : chunk) out.failed.push_back({id, answer.error()});
    }
  };
  const std::span<const std::string> all(unique);
  for (std::size_t start = 0; start < all.size(); start += static_cast<std::size_t>(options_.batch_size)) {
    const auto chunk = all.subspan(start, std::min<std::size_t>(options_.batch_size, all.size() - start));
    auto answer = call(chunk);
    if (!answer && chunk.size() > 1 && per_instance_error(answer.error())) {
      for (std::size_t i = 0; i < chunk.size(); ++i) record(chunk.subspan(i, 1), call(chunk.subspan(i, 1)));
      continue;
    }
    record(chunk, std::move(answer));
  }
  return out;
}

}  // namespace devenv::aws
