#include "env/kube_workload_store.h"

#include <gtest/gtest.h>

#include <chrono>

namespace devenv::env {
namespace {

using namespace std::chrono_literals;

TEST(kube_workload_store, event_object_is_a_core_v1_event_about_the_namespace) {
  event_record e{"DevenvPartialFailure", "stop by @alice (slack): 1 changed, 0 skipped, 1 failed",
                 event_type::warning, std::chrono::sys_days{std::chrono::year{2026} / 11 / 27} + 18h};
  auto o = event_object("dev1", e);
  EXPECT_EQ(o["apiVersion"], "v1");
  EXPECT_EQ(o["kind"], "Event");
  EXPECT_EQ(o["metadata"]["namespace"], "dev1");
  EXPECT_EQ(o["metadata"]["generateName"], "devenv-scaler-");
  EXPECT_EQ(o["involvedObject"],
            (nlohmann::json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"name", "dev1"}}));
  EXPECT_EQ(o["reason"], "DevenvPartialFailure");
  EXPECT_EQ(o["type"], "Warning");
  EXPECT_EQ(o["message"], e.message);
  EXPECT_EQ(o["firstTimestamp"], "2026-11-27T18:00:00Z");
  EXPECT_EQ(o["lastTimestamp"], "2026-11-27T18:00:00Z");
  EXPECT_EQ(o["source"]["component"], "devenv-scaler");
  e.type = event_type::normal;
  EXPECT_EQ(event_object("dev1", e)["type"], "Normal");
}

TEST(kube_workload_store, event_message_is_cut_on_a_utf8_boundary) {
  struct c {
    std::string message;
    std::size_t want_size;
  };
  const std::string e_acute = "\xc3\xa9";  // 2 bytes
  const c cases[] = {
      {std::string(1024, 'a'), 1024},
      {std::string(2000, 'a'), 1024},
      {std::string(1023, 'a') + e_acute, 1023},  // would split the last character: drop it whole
      {std::string(1022, 'a') + e_acute + "zz", 1024},
  };
  for (const auto& x : cases) {
    event_record e{"R", x.message, event_type::normal, {}};
    auto message = event_object("dev1", e)["message"].get<std::string>();
    EXPECT_EQ(message.size(), x.want_size);
    EXPECT_NO_THROW((void)nlohmann::json(message).dump());  // still valid UTF-8
  }
}

}  // namespace
}  // namespace devenv::env
