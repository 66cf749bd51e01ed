// dynamodb_store: the inventory in a DynamoDB table (JSON 1.0 protocol, X-Amz-Target DynamoDB_20120810.*,
// SigV4 through aws::signed_client), shared by every replica and a standalone cacher. Layout (docs/aws.md):
//   partition key `environment` (S), sort key `resource` (S);
//   one item per environment and resource: resource = "<generation>#<kind>#<id>", with kind, id, type, state,
//     tags (M), seen_at (N, ms), generation (N);
//   one meta item: environment = "#meta", resource = "#meta", with generation, refreshed_at (N, ms) and
//     environments (L of S).
// replace() writes the new generation's items (BatchWriteItem, 25 a call, UnprocessedItems retried with
// backoff), then flips the meta item to it, then deletes older generations (Scan, paginated). load() reads
// the meta item and Queries each environment's items of that generation (paginated by LastEvaluatedKey), so a
// reader sees a whole snapshot even while a refresh is half-written or crashed half-way.
// CreateTable (on-demand billing) when the table is missing and creation is allowed.
// Thread-safety: replace/load are serialised by a mutex; the signed client is thread-safe.
#pragma once

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>

#include "aws/signed_client.h"
#include "inventory/inventory_store.h"

namespace devenv::inventory {

struct dynamodb_options {
  std::string table = "devenv-scaler-inventory";
  bool create_table = false;
  int page_size = 100;                    // Limit of Query/Scan pages
  int max_batch_rounds = 10;              // BatchWriteItem rounds without progress before giving up
  std::chrono::milliseconds backoff{50};  // first wait before resending UnprocessedItems (doubles, max 2 s)
  std::chrono::seconds table_ready_timeout{60};
};

struct dynamodb_stats {
  int requests = 0;
  int batch_writes = 0;
  int unprocessed_retries = 0;
  int pages = 0;
  int unchanged_refreshes = 0;  // replaces that only moved the meta item's refreshed_at
};

class dynamodb_store : public inventory_store {
 public:
  using sleep_fn = std::function<void(std::chrono::milliseconds)>;
  // `client` must outlive the store and point at the DynamoDB endpoint.
  dynamodb_store(const aws::signed_client& client, dynamodb_options options, sleep_fn sleep = {});

  result<void> replace(const snapshot& s) override;
  result<std::optional<snapshot>> load() override;

  // Makes sure the table exists (creating it when allowed and waiting until ACTIVE).
  result<void> ensure_table();
  dynamodb_stats stats() const;

 private:
  result<nlohmann::json> call(std::string_view operation, const nlohmann::json& body);
  result<void> write_batches(std::vector<nlohmann::json> requests);
  result<std::optional<nlohmann::json>> read_meta();
  void delete_older_generations(std::int64_t keep);
  result<void> put_meta(std::int64_t generation, const snapshot& s);

  const aws::signed_client& client_;
  dynamodb_options options_;
  sleep_fn sleep_;
  std::mutex mutex_;
  bool table_checked_ = false;
  mutable std::mutex stats_mutex_;
  dynamodb_stats stats_;
  // The generation this store last wrote and its resources (under mutex_): an unchanged refresh of it only
  // moves the meta item's refreshed_at.
  struct written_generation {
    std::int64_t generation = 0;
    environments envs;
  };
  std::optional<written_generation> written_;
};

}  // namespace devenv::inventory
