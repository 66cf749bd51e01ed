#include "slack/command.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "slack/mrkdwn.h"

namespace devenv::slack {
namespace {

template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

// A canonical spelling of a parsed command, so one table can state what each input means.
std::string describe(const command& c) {
  return std::visit(
      overloaded{
          [](const start_cmd& s) { return "start " + s.env; },
          [](const stop_cmd& s) { return "stop " + s.env; },
          [](const status_cmd& s) { return "status " + s.env; },
          [](const list_cmd&) { return std::string("list"); },
          [](const prolong_cmd& p) { return fmt::format("prolong {} {}m", p.env, p.duration.count()); },
          [](const help_cmd& h) { return h.topic ? "help " + *h.topic : std::string("help"); },
          [](const support_start_cmd& s) {
            return fmt::format("support start {} {}", s.name, to_string(s.size));
          },
          [](const support_stop_cmd& s) { return "support stop " + s.name; },
          [](const support_list_cmd&) { return std::string("support list"); },
      },
      c);
}

TEST(ParseCommand, AcceptsEveryCommandWithOddSpacingAndCase) {
  const struct {
    const char* text;
    const char* meaning;
  } cases[] = {
      {"start dev1", "start dev1"},
      {"  START   Dev1  ", "start dev1"},
      {"Stop\tdev-1", "stop dev-1"},
      {"stop\xC2\xA0"
       "dev1",
       "stop dev1"},  // a no-break space, as Slack clients insert
      {"status DEV1", "status dev1"},
      {"sTaTuS a", "status a"},
      {"list", "list"},
      {" LIST ", "list"},
      {"prolongate dev1 for 2h", "prolong dev1 120m"},
      {"Prolongate  dev1  FOR  1h30m", "prolong dev1 90m"},
      {"prolong dev1 for 90m", "prolong dev1 90m"},
      {"extend dev1 for 2 hours", "prolong dev1 120m"},
      {"extend dev1 for 45 minutes", "prolong dev1 45m"},
      {"extend dev1 for 1 hour 30 minutes", "prolong dev1 90m"},
      {"EXTEND dev1 for 1.5h", "prolong dev1 90m"},
      {"prolong dev1 for 1h 30m", "prolong dev1 90m"},
      {"", "help"},
      {"   ", "help"},
      {"help", "help"},
      {"HELP prolong", "help prolongate"},
      {"help extend", "help prolongate"},
      {"help stop", "help stop"},
      {"help support", "help support"},
      {"help Support  Start", "help support start"},
      {"support start alice", "support start alice S"},
      {"support start alice xs", "support start alice XS"},
      {"Support Start Alice XL", "support start alice XL"},
      {"support start bob m", "support start bob M"},
      {"support start bob L", "support start bob L"},
      {"support stop alice", "support stop alice"},
      {"support   list", "support list"},
  };
  for (const auto& c : cases) {
    const auto got = parse_command(c.text);
    ASSERT_TRUE(got.has_value()) << "'" << c.text << "': " << got.error().to_mrkdwn();
    EXPECT_EQ(describe(*got), c.meaning) << c.text;
  }
  const std::string longest(63, 'a');
  const auto got = parse_command("stop " + longest);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(describe(*got), "stop " + longest);
}

TEST(ParseCommand, ExplainsMistakesWithUsageAndSuggestion) {
  const struct {
    std::string text;
    const char* what;        // a part of parse_error::what
    const char* usage;       // a part of parse_error::usage
    const char* suggestion;  // parse_error::suggestion, exactly
  } cases[] = {
      {"stpo dev1", "unknown command `stpo`", "`stop <env>`", "did you mean `stop`?"},
      {"strat dev1", "unknown command `strat`", "`start <env>`", "did you mean `start`?"},
      {"lsit", "unknown command `lsit`", "`list`", "did you mean `list`?"},
      {"prolongat dev1 for 2h", "unknown command", "`prolongate <env> for <duration>`",
       "did you mean `prolongate`?"},
      {"extnd dev1 for 2h", "unknown command", "`prolongate <env> for <duration>`", "did you mean `extend`?"},
      {"suport list", "unknown command", "`support list`", "did you mean `support`?"},
      {"dev1", "unknown command `dev1`", "`start <env>`", "did you mean `status dev1`?"},
      {"frobnicate the thing", "unknown command `frobnicate`", "`support list`", ""},
      {"start", "`start` needs an environment name", "`start <env>`", ""},
      {"stop dev1 dev2", "unexpected `dev2`", "`stop <env>`", ""},
      {"list all", "`list` takes no arguments", "`list`", ""},
      {"prolongate dev1 2h", "missing `for`", "`prolongate <env> for <duration>`",
       "did you mean `prolongate dev1 for 2h`?"},
      {"extend Dev1 2 hours", "missing `for`", "`prolongate", "did you mean `extend dev1 for 2 hours`?"},
      {"prolongate dev1 fro 2h", "expected `for` after the environment, got `fro`", "`prolongate",
       "did you mean `for`?"},
      {"prolongate dev1 until 5pm", "expected `for`", "`prolongate", ""},
      {"prolongate dev1 for", "missing the duration", "`prolongate", ""},
      {"prolongate dev1", "needs a duration", "`prolongate", ""},
      {"prolongate", "needs an environment and a duration", "`prolongate", ""},
      {"prolongate dev1 for 2 weeks", "`weeks` is not a unit", "`prolongate", ""},
      {"prolongate dev1 for 0h", "zero", "`prolongate", ""},
      {"prolongate dev1 for -2h", "negative", "`prolongate", ""},
      {"prolongate dev1 for 90", "needs a unit", "`prolongate", ""},
      {"support start x XXL", "unknown size `XXL`; sizes are XS, S, M, L and XL",
       "`support start <name> [XS|S|M|L|XL]`", "did you mean `XL`?"},
      {"support start x huge", "unknown size `huge`", "`support start", ""},
      {"support start x M extra", "unexpected `extra`", "`support start", ""},
      {"support start", "needs a support pod name", "`support start", ""},
      {"support stpo alice", "unknown support subcommand `stpo`", "`support stop <name>`",
       "did you mean `support stop`?"},
      {"support", "needs a subcommand", "`support list`", ""},
      {"support list now", "takes no arguments", "`support list`", ""},
      {"help stpo", "there is no command `stpo`", "`help [<command>]`", "did you mean `help stop`?"},
      // Hostile names: never accepted, never echoed at length, never able to inject mrkdwn.
      {"start ../x", "`../x` is not a valid environment name", "`start <env>`", ""},
      {"stop kube_system", "use only letters, digits and '-'", "`stop", ""},
      {"stop -dev", "must start and end with a letter or digit", "`stop", ""},
      {"stop dev-", "must start and end with a letter or digit", "`stop", ""},
      {"stop " + std::string(64, 'a'), "64 characters long, the most is 63", "`stop", ""},
      {"stop " + std::string(300, 'a'), "300 characters long", "`stop", ""},
      {"stop <!channel>", "`&lt;!channel&gt;` is not a valid", "`stop", ""},
      {"stop `rm`", "`'rm'` is not a valid", "`stop", ""},
      {"status dév", "is not a valid environment name", "`status", ""},
      {"support stop a.b", "`a.b` is not a valid support pod name", "`support stop", ""},
  };
  for (const auto& c : cases) {
    const auto got = parse_command(c.text);
    ASSERT_FALSE(got.has_value()) << c.text << " parsed as " << describe(*got);
    const parse_error& e = got.error();
    EXPECT_NE(e.what.find(c.what), std::string::npos) << c.text << ": what = " << e.what;
    EXPECT_NE(e.usage.find(escape_mrkdwn(c.usage)), std::string::npos) << c.text << ": usage = " << e.usage;
    EXPECT_EQ(e.usage.find('<'), std::string::npos) << c.text << ": unescaped usage " << e.usage;
    EXPECT_EQ(e.suggestion, c.suggestion) << c.text;
    EXPECT_LT(e.what.size(), 200u) << c.text;
    EXPECT_EQ(e.what.find('<'), std::string::npos) << c.text << ": unescaped input in " << e.what;
  }
}

TEST(ParseCommand, ErrorRendersAllThreeParts) {
  const auto got = parse_command("stpo dev1");
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().to_mrkdwn(),
            ":warning: unknown command `stpo`\nDid you mean `stop`?\n*Usage:*\n`stop &lt;env&gt;`");
}

TEST(ValidateName, LowercasesAndChecksRfc1123) {
  EXPECT_EQ(validate_name("Dev1", "environment").value(), "dev1");
  EXPECT_EQ(validate_name("a", "environment").value(), "a");
  EXPECT_EQ(validate_name("0-0", "environment").value(), "0-0");
  EXPECT_FALSE(validate_name("", "environment").has_value());
  EXPECT_FALSE(validate_name("a..b", "environment").has_value());
  EXPECT_FALSE(validate_name("a/b", "environment").has_value());
}

}  // namespace
}  // namespace devenv::slack
