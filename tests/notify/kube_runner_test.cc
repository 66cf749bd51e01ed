// The warning runner against the real kube-sim process and the fake Slack, driven by a fake clock: warnings
// at T-60/30/15 in the configured zone, grouped per channel and instant; a prolongation re-plans; a restart
// or a second replica neither repeats nor drops a warning; the after-stop message is sent once; a 429 is
// waited out and channel posts are spaced.
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "notify/kube_fixture.h"

namespace devenv::notify::testing {
namespace {

using namespace std::chrono;

// Which environments each chat.postMessage named (from its buttons' values, else its text), by channel.
struct seen_message {
  std::string channel;
  std::string text;
  std::vector<std::string> buttons;  // environments with buttons
};

std::vector<seen_message> seen(const std::vector<json>& posts) {
  std::vector<seen_message> out;
  for (const auto& p : posts) {
    seen_message m{p.value("channel", ""), p.value("text", ""), {}};
    for (const auto& b : p.value("blocks", json::array())) {
      if (b.value("type", "") != "actions") continue;
      m.buttons.push_back(b["elements"][0].value("value", ""));
    }
    out.push_back(std::move(m));
  }
  return out;
}

TEST_F(notify_kube, ThreeWarningsAtTheRightInstantsGroupedPerChannel) {
  const auto t = friday_shutdown();
  auto runner = make_runner();
  std::atomic<bool> stop{false};
  std::vector<std::pair<time_point, tick_report>> ticks;
  runner->run(stop, [&](const tick_report& r) {
    ticks.emplace_back(now(), r);
    EXPECT_TRUE(r.errors.empty()) << r.errors.front();
    if (now() >= t) stop = true;
  });

  std::vector<std::pair<time_point, std::string>> sent;  // (when, channel)
  for (const auto& [at, r] : ticks) {
    for (const auto& s : r.sent) sent.emplace_back(at, s.channel);
  }
  const std::vector<std::pair<time_point, std::string>> expected{
      {t - minutes{60}, "C1"}, {t - minutes{60}, "C2"}, {t - minutes{30}, "C1"},
      {t - minutes{30}, "C2"}, {t - minutes{15}, "C1"}, {t - minutes{15}, "C2"}};
  EXPECT_EQ(sent, expected);
  // The loop slept to each offset (or the poll interval), never spun: a few dozen ticks over three hours.
  EXPECT_LT(ticks.size(), 3u * 60u * 2u + 10u);

  const auto messages = seen(posted_messages());
  ASSERT_EQ(messages.size(), 6u);
  const char* expected_text[] = {"in 60 minutes (19:00 CET)", "in 30 minutes (19:00 CET)",
                                 "in 15 minutes (19:00 CET)"};
  for (std::size_t i = 0; i < messages.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_NE(messages[i].text.find(expected_text[i / 2]), std::string::npos) << messages[i].text;
    if (messages[i].channel == "C1") {
      // dev1 and dev2 share channel and instant: one message, buttons for each; dev4 (disabled) never.
      EXPECT_EQ(messages[i].buttons, (std::vector<std::string>{"dev1", "dev2"}));
    } else {
      EXPECT_EQ(messages[i].channel, "C2");
      EXPECT_EQ(messages[i].buttons, (std::vector<std::string>{"dev3"}));
      EXPECT_NE(messages[i].text.find("<@U0OWNER3>"), std::string::npos) << messages[i].text;
    }
  }
  const auto record = schedule::parse_notified(notified("dev1"));
  EXPECT_EQ(record.shutdown, std::optional<time_point>(t));
  EXPECT_EQ(record.sent, (std::set<int>{60, 30, 15}));
  EXPECT_EQ(notified("dev4"), "");
  EXPECT_EQ(notified("kube-system"), "");
}

TEST_F(notify_kube, ProlongationAfterTheSixtyMinuteWarningReplans) {
  const auto t = friday_shutdown();
  auto runner = make_runner();
  set_now(t - minutes{60});
  ASSERT_EQ(runner->run_once().sent.size(), 2u);

  set_now(t - minutes{55});
  auto change = manager_->prolong("dev1", hours{1}, schedule::env_state::running, "@alice via Slack", now());
  ASSERT_TRUE(change) << change.error().message;

  set_now(t - minutes{30});
  auto r = runner->run_once();
  ASSERT_EQ(r.sent.size(), 2u);
  for (const auto& s : r.sent) {
    EXPECT_EQ(std::find(s.namespaces.begin(), s.namespaces.end(), "dev1"), s.namespaces.end())
        << "dev1 now stops an hour later";
  }
  // The new T's series: the 60 warning at the old T, saying 20:00.
  set_now(t);
  r = runner->run_once();
  ASSERT_EQ(r.sent.size(), 1u);
  EXPECT_EQ(r.sent[0].namespaces, (std::vector<std::string>{"dev1"}));
  EXPECT_EQ(r.sent[0].remaining, minutes{60});
  const auto last = posted_messages().back();
  EXPECT_NE(last.value("text", "").find("in 60 minutes (20:00 CET)"), std::string::npos) << last.dump();
  const auto record = schedule::parse_notified(notified("dev1"));
  EXPECT_EQ(record.shutdown, std::optional<time_point>(t + hours{1}));
  EXPECT_EQ(record.sent, (std::set<int>{60}));
}

TEST_F(notify_kube, RestartBetweenWarningsNeitherRepeatsNorDrops) {
  const auto t = friday_shutdown();
  set_now(t - minutes{60});
  ASSERT_EQ(make_runner()->run_once().sent.size(), 2u);

  // A new process (new runner, same cluster) at T-40: the 60 was sent, the 30 is not due.
  auto restarted = make_runner();
  set_now(t - minutes{40});
  EXPECT_TRUE(restarted->run_once().sent.empty());
  set_now(t - minutes{30});
  EXPECT_EQ(restarted->run_once().sent.size(), 2u);

  // Down from T-29 to T-20: the 15 is not due yet, nothing was dropped; then it comes at T-15.
  auto again = make_runner();
  set_now(t - minutes{20});
  EXPECT_TRUE(again->run_once().sent.empty());
  set_now(t - minutes{15});
  EXPECT_EQ(again->run_once().sent.size(), 2u);
  EXPECT_EQ(posted_messages().size(), 6u);
}

TEST_F(notify_kube, DownAtTheSixtyComesBackAtFortyWithOneWarning) {
  const auto t = friday_shutdown();
  auto runner = make_runner();
  set_now(t - minutes{40});
  const auto r = runner->run_once();
  ASSERT_EQ(r.sent.size(), 2u);
  EXPECT_EQ(r.sent[0].remaining, minutes{40});
  set_now(t - minutes{39});
  EXPECT_TRUE(runner->run_once().sent.empty());
  set_now(t - minutes{30});
  EXPECT_EQ(runner->run_once().sent.size(), 2u);
  EXPECT_EQ(posted_messages().size(), 4u);
}

TEST_F(notify_kube, TwoReplicasSendEachWarningOnce) {
  const auto t = friday_shutdown();
  // A handover overlap: both believe they lead, and tick at the same instant from two threads.
  auto a = make_runner([] { return true; });
  auto b = make_runner([] { return true; });
  for (const auto offset : {minutes{60}, minutes{30}, minutes{15}}) {
    SCOPED_TRACE(offset.count());
    set_now(t - offset);
    tick_report ra;
    tick_report rb;
    std::thread ta([&] { ra = a->run_once(); });
    std::thread tb([&] { rb = b->run_once(); });
    ta.join();
    tb.join();
    EXPECT_TRUE(ra.errors.empty() && rb.errors.empty());
    std::map<std::string, int> copies;
    for (const auto* r : {&ra, &rb}) {
      for (const auto& s : r->sent) {
        for (const auto& ns : s.namespaces) ++copies[ns];
      }
    }
    EXPECT_EQ(copies, (std::map<std::string, int>{{"dev1", 1}, {"dev2", 1}, {"dev3", 1}}));
  }
  std::map<std::string, int> total;
  for (const auto& m : seen(posted_messages())) {
    for (const auto& ns : m.buttons) ++total[ns];
  }
  EXPECT_EQ(total, (std::map<std::string, int>{{"dev1", 3}, {"dev2", 3}, {"dev3", 3}}));
}

TEST_F(notify_kube, OnlyTheLeaderSendsAndAHandoverContinuesTheSeries) {
  const auto t = friday_shutdown();
  std::atomic<bool> a_leads{true};
  auto a = make_runner([&] { return a_leads.load(); });
  auto b = make_runner([&] { return !a_leads.load(); });
  set_now(t - minutes{60});
  EXPECT_FALSE(b->run_once().leader);
  EXPECT_EQ(a->run_once().sent.size(), 2u);
  a_leads = false;
  set_now(t - minutes{30});
  EXPECT_FALSE(a->run_once().leader);
  EXPECT_EQ(b->run_once().sent.size(), 2u);
  set_now(t - minutes{25});
  EXPECT_TRUE(b->run_once().sent.empty());
  EXPECT_EQ(posted_messages().size(), 4u);
}

TEST_F(notify_kube, AfterTheScheduledStopOneMessage) {
  const auto t = friday_shutdown();
  auto runner = make_runner();
  for (const auto offset : {minutes{60}, minutes{30}, minutes{15}}) {
    set_now(t - offset);
    ASSERT_EQ(runner->run_once().sent.size(), 2u);
  }
  // The Jobs run a few seconds after T; dev2 was stopped by hand earlier, so it gets no "scheduled" message.
  set_now(t - minutes{5});
  auto manual = environments_->stop("dev2", env::action_origin{"@bob via Slack", "slack"});
  ASSERT_TRUE(manual) << manual.error().message;
  set_now(t + seconds{20});
  scheduled_stop("dev1");
  scheduled_stop("dev3");
  set_now(t + minutes{1});
  auto r = runner->run_once();
  ASSERT_EQ(r.sent.size(), 2u) << (r.errors.empty() ? "" : r.errors.front());
  for (const auto& s : r.sent) EXPECT_EQ(s.kind, notice_kind::stopped);
  const auto posts = posted_messages();
  const auto c1 = posts[posts.size() - 2];
  EXPECT_EQ(c1.value("channel", ""), "C1");
  EXPECT_NE(c1.value("text", "").find("/devenv start dev1"), std::string::npos) << c1.dump();
  EXPECT_EQ(c1.value("text", "").find("dev2"), std::string::npos) << c1.dump();

  set_now(t + minutes{2});
  EXPECT_TRUE(runner->run_once().sent.empty());
  set_now(t + minutes{3});
  EXPECT_TRUE(make_runner()->run_once().sent.empty()) << "a restart does not repeat it";
  EXPECT_EQ(posted_messages().size(), 8u);
}

TEST_F(notify_kube, RateLimitIsWaitedOutAndChannelPostsAreSpaced) {
  const auto t = friday_shutdown();
  // dev2 prolonged by 5 minutes: due with dev1 in the same channel but for another instant, so two messages
  // in C1 within one tick.
  auto change = manager_->prolong("dev2", minutes{5}, schedule::env_state::running, "@bob", now());
  ASSERT_TRUE(change) << change.error().message;
  slack_.rate_limit_next(1, 2);
  auto runner = make_runner();
  const auto start = t - minutes{55};
  set_now(start);
  const auto r = runner->run_once();
  EXPECT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_EQ(r.sent.size(), 3u);
  {
    std::lock_guard lock(waits_mutex_);
    EXPECT_EQ(web_waits_, (std::vector<milliseconds>{seconds{2}})) << "Retry-After honoured";
  }
  // Two C1 messages: the second waited one second on the (fake) clock.
  EXPECT_EQ(now(), start + seconds{1});
  const auto all = slack_.posts_to("/api/chat.postMessage");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].answered, 429u);
  EXPECT_EQ(posted_messages().size(), 3u);
}

TEST_F(notify_kube, FailedPostIsRetriedNextTick) {
  const auto t = friday_shutdown();
  auto runner = make_runner();
  set_now(t - minutes{60});
  slack_.fail_next(8, 500);  // more than the client's retries for the first message
  const auto r = runner->run_once();
  EXPECT_EQ(r.errors.size(), 2u);
  EXPECT_TRUE(r.sent.empty());
  EXPECT_EQ(notified("dev1"), "") << "the claim is withdrawn when the post failed";
  set_now(t - minutes{59});
  const auto again = runner->run_once();
  EXPECT_TRUE(again.errors.empty()) << again.errors.front();
  std::map<std::string, int> copies;
  for (const auto& m : seen(posted_messages())) {
    for (const auto& ns : m.buttons) ++copies[ns];
  }
  EXPECT_EQ(copies, (std::map<std::string, int>{{"dev1", 1}, {"dev2", 1}, {"dev3", 1}}));
  EXPECT_EQ(schedule::parse_notified(notified("dev1")).sent, (std::set<int>{60}));
}

}  // namespace
}  // namespace devenv::notify::testing
