#include "inventory/dynamodb_store.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "inventory/dynamodb_item.h"

namespace devenv::inventory {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

constexpr std::string_view meta_key = "#meta";
constexpr std::size_t batch_limit = 25;  // BatchWriteItem's maximum

}  // namespace

dynamodb_store::dynamodb_store(const aws::signed_client& client, dynamodb_options options, sleep_fn sleep)
    : client_(client), options_(std::move(options)), sleep_(std::move(sleep)) {
  if (!sleep_) sleep_ = [](milliseconds d) { std::this_thread::sleep_for(d); };
}

dynamodb_stats dynamodb_store::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

result<json> dynamodb_store::call(std::string_view operation, const json& body) {
  {
    std::lock_guard lock(stats_mutex_);
    ++stats_.requests;
  }
  aws::aws_request request;
  request.method = "POST";
  request.path = "/";
  request.headers = {{"content-type", "application/x-amz-json-1.0"},
                     {"x-amz-target", fmt::format("DynamoDB_20120810.{}", operation)}};
  request.body = body.dump();
  auto response = client_.send(request);
  if (!response) {
    auto e = response.error().to_error();
    e.message = fmt::format("DynamoDB {}: {}", operation, e.message);
    return tl::unexpected(e);
  }
  json answer = json::object();
  try {
    if (!response->body.empty()) answer = json::parse(response->body);
  } catch (const json::exception& e) {
    return fail(errc::unavailable, fmt::format("DynamoDB {}: unreadable answer: {}", operation, e.what()));
  }
  // Every DynamoDB answer is an object; the readers below rely on that.
  if (!answer.is_object()) {
    return fail(errc::unavailable, fmt::format("DynamoDB {}: the answer is not a JSON object", operation));
  }
  return answer;
}

result<void> dynamodb_store::ensure_table() {
  if (table_checked_) return {};
  auto described = call("DescribeTable", {{"TableName", options_.table}});
  if (!described && described.error().code == errc::not_found) {
    if (!options_.create_table) {
      return fail(errc::not_found,
                  fmt::format("DynamoDB table {} does not exist (set aws.create_table to create it)",
                              options_.table));
    }
    json create = {{"TableName", options_.table},
                   {"AttributeDefinitions",
                    {{{"AttributeName", "environment"}, {"AttributeType", "S"}},
                     {{"AttributeName", "resource"}, {"AttributeType", "S"}}}},
                   {"KeySchema",
                    {{{"AttributeName", "environment"}, {"KeyType", "HASH"}},
                     {{"AttributeName", "resource"}, {"KeyType", "RANGE"}}}},
                   {"BillingMode", "PAY_PER_REQUEST"}};
    auto created = call("CreateTable", create);
    // Another replica may have created it at the same moment.
    if (!created && created.error().message.find("ResourceInUseException") == std::string::npos) {
      return tl::unexpected(created.error());
    }
    spdlog::info("inventory: created DynamoDB table {}", options_.table);
    described = call("DescribeTable", {{"TableName", options_.table}});
  }
  if (!described) return tl::unexpected(described.error());
  // Poll (bounded) until the table can be written.
  milliseconds waited{0};
  milliseconds step{100};
  while (described->value("/Table/TableStatus"_json_pointer, std::string()) != "ACTIVE") {
    if (waited >= options_.table_ready_timeout) {
      return fail(errc::timeout, fmt::format("DynamoDB table {} not ACTIVE after {}s", options_.table,
                                             options_.table_ready_timeout.count()));
    }
    sleep_(step);
    waited += step;
    step = std::min(step * 2, milliseconds(2000));
    described = call("DescribeTable", {{"TableName", options_.table}});
    if (!described) return tl::unexpected(described.error());
  }
  table_checked_ = true;
  return {};
}

result<void> dynamodb_store::write_batches(std::vector<json> requests) {
  int rounds_without_progress = 0;
  milliseconds backoff = options_.backoff;
  while (!requests.empty()) {
    const std::size_t n = std::min(batch_limit, requests.size());
    json chunk = json::array();
    for (std::size_t i = 0; i < n; ++i) chunk.push_back(std::move(requests[i]));
    requests.erase(requests.begin(), requests.begin() + static_cast<std::ptrdiff_t>(n));
    {
      std::lock_guard lock(stats_mutex_);
      ++stats_.batch_writes;
    }
    auto answer = call("BatchWriteItem", {{"RequestItems", {{options_.table, chunk}}}});
    if (!answer) return tl::unexpected(answer.error());
    const json unprocessed =
        answer->value("/UnprocessedItems"_json_pointer, json::object()).value(options_.table, json::array());
    if (unprocessed.empty()) {
      rounds_without_progress = 0;
      backoff = options_.backoff;
      continue;
    }
    // Throttled in part: put the rest back in front and wait before resending (what the API asks for).
    {
      std::lock_guard lock(stats_mutex_);
      ++stats_.unprocessed_retries;
    }
    if (unprocessed.size() >= n && ++rounds_without_progress >= options_.max_batch_rounds) {
      return fail(errc::too_many_requests,
                  fmt::format("DynamoDB BatchWriteItem: {} items still unprocessed after {} rounds",
                              unprocessed.size() + requests.size(), rounds_without_progress));
    }
    if (unprocessed.size() < n) rounds_without_progress = 0;
    requests.insert(requests.begin(), unprocessed.begin(), unprocessed.end());
    sleep_(backoff);
    backoff = std::min(backoff * 2, milliseconds(2000));
  }
  return {};
}

result<std::optional<json>> dynamodb_store::read_meta() {
  auto got =
      call("GetItem",
           {{"TableName", options_.table},
            {"Key",
             {{"environment", s_value(std::string(meta_key))}, {"resource", s_value(std::string(meta_key))}}},
            {"ConsistentRead", true}});
  if (!got) return tl::unexpected(got.error());
  if (!got->contains("Item")) return std::optional<json>();
  return std::optional<json>((*got)["Item"]);
}

result<void> dynamodb_store::replace(const snapshot& s) {
  std::lock_guard lock(mutex_);
  if (auto ready = ensure_table(); !ready) return ready;
  auto meta = read_meta();
  if (!meta) return tl::unexpected(meta.error());
  // Nothing changed since this store wrote the current generation (nobody else wrote since: the meta item
  // still names it): only refreshed_at moves, one write instead of one per resource plus a cleanup scan (at
  // 5,000 instances refreshed every minute, some 14 million writes a day otherwise).
  if (*meta && written_ && read_n(**meta, "generation") == written_->generation &&
      same_resources(written_->envs, s.envs)) {
    if (auto put = put_meta(written_->generation, s); !put) return put;
    std::lock_guard stats_lock(stats_mutex_);
    ++stats_.unchanged_refreshes;
    return {};
  }
  std::int64_t generation = to_ms(s.refreshed_at);
  if (*meta) generation = std::max(generation, read_n(**meta, "generation") + 1);  // always moves forward
  std::vector<json> puts;
  for (const auto& [env, resources] : s.envs) {
    for (const auto& r : resources) puts.push_back({{"PutRequest", {{"Item", to_item(env, generation, r)}}}});
  }
  written_.reset();
  if (auto written = write_batches(std::move(puts)); !written) return written;
  if (auto put = put_meta(generation, s); !put) return put;
  written_ = written_generation{generation, s.envs};
  delete_older_generations(generation);
  return {};
}

result<void> dynamodb_store::put_meta(std::int64_t generation, const snapshot& s) {
  json names = json::array();
  for (const auto& [env, resources] : s.envs) names.push_back(s_value(env));
  json meta_item = {{"environment", s_value(std::string(meta_key))},
                    {"resource", s_value(std::string(meta_key))},
                    {"generation", n_value(generation)},
                    {"refreshed_at", n_value(to_ms(s.refreshed_at))},
                    {"environments", {{"L", names}}}};
  if (auto put = call("PutItem", {{"TableName", options_.table}, {"Item", meta_item}}); !put) {
    return tl::unexpected(put.error());
  }
  return {};
}

void dynamodb_store::delete_older_generations(std::int64_t keep) {
  // Best effort: a failure leaves unreachable items that the next refresh deletes.
  std::vector<json> deletes;
  json start;
  do {
    json body = {
        {"TableName", options_.table},
        {"ProjectionExpression", "#e, #r, #g"},
        {"ExpressionAttributeNames", {{"#e", "environment"}, {"#r", "resource"}, {"#g", "generation"}}},
        {"Limit", options_.page_size}};
    if (!start.is_null()) body["ExclusiveStartKey"] = start;
    auto page = call("Scan", body);
    if (!page) {
      spdlog::warn("inventory: DynamoDB cleanup scan failed: {}", page.error().message);
      return;
    }
    {
      std::lock_guard lock(stats_mutex_);
      ++stats_.pages;
    }
    for (const auto& item : page->value("Items", json::array())) {
      if (read_s(item, "environment") == meta_key) continue;
      if (read_n(item, "generation") == keep) continue;
      deletes.push_back(
          {{"DeleteRequest",
            {{"Key", {{"environment", item["environment"]}, {"resource", item["resource"]}}}}}});
    }
    start = page->contains("LastEvaluatedKey") ? (*page)["LastEvaluatedKey"] : json();
  } while (!start.is_null());
  if (auto deleted = write_batches(std::move(deletes)); !deleted) {
    spdlog::warn("inventory: DynamoDB cleanup failed: {}", deleted.error().message);
  }
}

result<std::optional<snapshot>> dynamodb_store::load() {
  std::lock_guard lock(mutex_);
  if (auto ready = ensure_table(); !ready) return tl::unexpected(ready.error());
  auto meta = read_meta();
  if (!meta) return tl::unexpected(meta.error());
  if (!*meta) return std::optional<snapshot>();
  const std::int64_t generation = read_n(**meta, "generation");
  snapshot out;
  out.refreshed_at = from_ms(read_n(**meta, "refreshed_at"));
  for (const std::string& env : listed_environments(**meta)) {
    auto& resources = out.envs[env];
    json start;
    do {
      json body = {{"TableName", options_.table},
                   {"KeyConditionExpression", "#e = :e AND begins_with(#r, :g)"},
                   {"ExpressionAttributeNames", {{"#e", "environment"}, {"#r", "resource"}}},
                   {"ExpressionAttributeValues",
                    {{":e", s_value(env)}, {":g", s_value(std::to_string(generation) + "#")}}},
                   {"ConsistentRead", true},
                   {"Limit", options_.page_size}};
      if (!start.is_null()) body["ExclusiveStartKey"] = start;
      auto page = call("Query", body);
      if (!page) return tl::unexpected(page.error());
      {
        std::lock_guard stats_lock(stats_mutex_);
        ++stats_.pages;
      }
      for (const auto& item : page->value("Items", json::array())) {
        if (auto r = from_item(item)) {
          // The generation was confirmed current at refreshed_at (an unchanged refresh writes only that).
          r->seen_at = out.refreshed_at;
          resources.push_back(std::move(*r));
        }
      }
      start = page->contains("LastEvaluatedKey") ? (*page)["LastEvaluatedKey"] : json();
    } while (!start.is_null());
    std::sort(resources.begin(), resources.end(), [](const resource& a, const resource& b) {
      return std::tie(a.kind, a.id) < std::tie(b.kind, b.id);
    });
    if (resources.empty()) out.envs.erase(env);
  }
  return std::optional<snapshot>(std::move(out));
}

}  // namespace devenv::inventory
