#include "slack/bot/render.h"

#include <gtest/gtest.h>

#include "slack/utf8.h"

namespace devenv::slack {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// Every message must fit Slack's limits whatever the data: ≤ 50 blocks, section text ≤ 3000 characters.
void expect_within_limits(const message& m) {
  const json j = to_json(m);
  ASSERT_TRUE(j.contains("text"));
  EXPECT_FALSE(j["text"].get<std::string>().empty());
  if (!j.contains("blocks")) return;
  EXPECT_LE(j["blocks"].size(), blocks::max_blocks);
  for (const auto& b : j["blocks"]) {
    if (b["type"] == "section" && b.contains("text")) {
      const auto text = b["text"]["text"].get<std::string>();
      EXPECT_FALSE(text.empty());
      EXPECT_LE(utf16_length(text), blocks::max_section_text);
    }
  }
}

std::string all_text(const message& m) {
  return to_json(m).dump();
}

TEST(Render, AckNamesTheActionAndEnvironment) {
  const auto m = render_ack(env::env_action::stop, "dev1");
  EXPECT_EQ(m.type, response_type::ephemeral);
  EXPECT_EQ(m.text, "Stopping `dev1`…");
  EXPECT_NE(render_ack(env::env_action::start, "dev1").text.find("Starting"), std::string::npos);
}

TEST(Render, ReportIsInChannelAndSaysWhoDidWhat) {
  env::operation_report r;
  r.ns = "dev1";
  r.action = env::env_action::stop;
  r.items = {{env::workload_kind::deployment, "web", 3, 0, env::item_outcome::ok, ""},
             {env::workload_kind::statefulset, "db", 1, 1, env::item_outcome::failed, "conflict <x>"},
             {env::workload_kind::deployment, "idle", 0, 0, env::item_outcome::skipped, "already 0"}};
  r.ok = 1;
  r.failed = 1;
  r.skipped = 1;
  r.warnings = {"event not written"};
  const auto m = render_report(r, {"U123", "alice"});
  EXPECT_EQ(m.type, response_type::in_channel);
  const auto text = all_text(m);
  EXPECT_NE(text.find("<@U123>"), std::string::npos);
  EXPECT_NE(text.find("stopped `dev1` partly"), std::string::npos) << text;
  EXPECT_NE(text.find("`web`: 3 → 0"), std::string::npos) << text;
  EXPECT_NE(text.find("conflict &lt;x&gt;"), std::string::npos) << "failure text must be escaped: " << text;
  EXPECT_NE(text.find("event not written"), std::string::npos);
  expect_within_limits(m);
}

TEST(Render, StatusShowsWorkloadsNextShutdownAndLastAction) {
  env::environment_status s;
  s.ns = "dev1";
  s.state = env::env_state::stopped;
  s.workloads = {{env::workload_kind::deployment, "web", 0, 0, 3, false, false, ""},
                 {env::workload_kind::statefulset, "db", 2, 1, std::nullopt, false, false, ""}};
  s.last = env::last_action{"stop", "@alice via Slack", "slack", "ok", std::chrono::sys_seconds{1700000000s}};
  const auto m = render_status(s, std::chrono::sys_seconds{1700003600s});
  const auto text = all_text(m);
  EXPECT_NE(text.find("`dev1` is stopped"), std::string::npos) << text;
  EXPECT_NE(text.find("`web`: 0/0 ready (restores to 3)"), std::string::npos) << text;
  EXPECT_NE(text.find("`db`: 1/2 ready"), std::string::npos) << text;
  EXPECT_NE(text.find("Next shutdown: <!date^1700003600^"), std::string::npos) << text;
  EXPECT_NE(text.find("Last action: stop by @alice via Slack via slack"), std::string::npos) << text;
  expect_within_limits(m);
}

TEST(Render, StatusOfMissingEnvironmentIsShort) {
  env::environment_status s;
  s.ns = "nope";
  s.state = env::env_state::not_found;
  const auto j = to_json(render_status(s));
  EXPECT_EQ(j["blocks"].size(), 1u);
}

TEST(Render, LongListsAreSummarisedWithinLimits) {
  for (std::size_t n : {0, 1, 10, 99, 100, 101, 500, 5000}) {
    std::vector<env::environment_summary> envs;
    for (std::size_t i = 0; i < n; ++i) {
      env::environment_summary e;
      e.ns = "environment-with-a-long-name-" + std::to_string(i);
      e.state = i % 3 == 0 ? env::env_state::stopped : env::env_state::running;
      e.workloads = static_cast<int>(i % 7);
      envs.push_back(e);
    }
    const auto m = render_list(envs);
    expect_within_limits(m);
    const auto text = all_text(m);
    EXPECT_NE(text.find(std::to_string(n) + " environment"), std::string::npos) << n;
    if (n > 100) {
      EXPECT_NE(text.find("more"), std::string::npos) << n << ": a long list must say what it cut";
    }
  }
}

TEST(Render, ListShowsUnreadableEnvironments) {
  std::vector<env::environment_summary> envs(1);
  envs[0].ns = "broken";
  envs[0].error = "forbidden";
  const auto text = all_text(render_list(envs));
  EXPECT_NE(text.find("1 unreadable"), std::string::npos) << text;
  EXPECT_NE(text.find("`broken`: forbidden"), std::string::npos) << text;
}

TEST(Render, FailuresAndDenialsAreEphemeralAndExplained) {
  const struct {
    error e;
    const char* expected;
  } cases[] = {
      {{errc::not_found, "x"}, "does not exist"},
      {{errc::protected_namespace, "x"}, "protected namespace"},
      {{errc::unavailable, "connect: refused"}, "Kubernetes did not answer"},
      {{errc::invalid_argument, "bad <name>"}, "bad &lt;name&gt;"},
  };
  for (const auto& c : cases) {
    const auto m = render_failure("stop", "dev1", c.e);
    EXPECT_EQ(m.type, response_type::ephemeral);
    EXPECT_NE(m.text.find(c.expected), std::string::npos) << m.text;
  }
  access_decision d;
  d.explanation = ":no_entry: You may not *stop*";
  EXPECT_EQ(render_denial(d).type, response_type::ephemeral);
  EXPECT_NE(render_not_enabled("prolongate").text.find("not enabled on this server"), std::string::npos);
}

}  // namespace
}  // namespace devenv::slack
