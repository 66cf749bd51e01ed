#include "slack/command_table.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "slack/command.h"
#include "slack/mrkdwn.h"

namespace devenv::slack {
namespace {

TEST(CommandTable, HelpListsEveryCommandWithItsUsage) {
  const std::string help = help_text();
  for (const command_spec& spec : command_table()) {
    EXPECT_NE(help.find(usage(spec)), std::string::npos) << spec.name;
    EXPECT_NE(help.find(spec.description), std::string::npos) << spec.name;
  }
  EXPECT_EQ(help, help_text(std::nullopt));
  EXPECT_EQ(help.find('<'), std::string::npos) << "Slack would read <...> as a link: " << help;
  EXPECT_NE(help_text("x<!channel>").find("`x&lt;!channel&gt;`"), std::string::npos);
}

TEST(CommandTable, EveryExampleParses) {
  // The examples in help are what people copy; each must be accepted and mean its own command.
  for (const command_spec& spec : command_table()) {
    const auto got = parse_command(spec.example);
    EXPECT_TRUE(got.has_value()) << spec.example << ": " << got.error().to_mrkdwn();
    EXPECT_TRUE(std::string_view(spec.example).starts_with(spec.name)) << spec.name;
  }
}

TEST(CommandTable, EveryNameAndAliasIsASuggestionCandidateAndParses) {
  const auto words = command_words();
  for (const command_spec& spec : command_table()) {
    std::vector<std::string_view> names{spec.name};
    names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
    for (const std::string_view name : names) {
      const std::string_view first = name.substr(0, name.find(' '));
      EXPECT_NE(std::find(words.begin(), words.end(), first), words.end()) << name;
      EXPECT_EQ(find_command(name), &spec) << name;
      // `help <name>` resolves to this entry, so help and parser agree on every spelling.
      const auto help = parse_command("help " + std::string(name));
      ASSERT_TRUE(help.has_value()) << name;
      EXPECT_EQ(std::get<help_cmd>(*help).topic, std::string(spec.name));
    }
  }
}

TEST(CommandTable, TopicHelp) {
  const struct {
    const char* topic;
    std::vector<const char*> contains;
    std::vector<const char*> excludes;
  } cases[] = {
      {"prolongate",
       {"`prolongate <env> for <duration>`", "Also: `prolong`, `extend`",
        "Example: `prolongate dev1 for 2h`"},
       {"`stop <env>`"}},
      {"EXTEND", {"`prolongate <env> for <duration>`"}, {"`stop <env>`"}},
      {"support",
       {"`support start <name> [XS|S|M|L|XL]`", "`support stop <name>`", "`support list`"},
       {"`start <env>`"}},
      {"support stop", {"`support stop <name>`", "Example: `support stop alice`"}, {"`support list`"}},
      {"nope", {"There is no command `nope`.", "*Commands*", "`stop <env>`"}, {}},
  };
  for (const auto& c : cases) {
    const std::string help = help_text(c.topic);
    for (const char* part : c.contains)
      EXPECT_NE(help.find(escape_mrkdwn(part)), std::string::npos) << c.topic << " lacks " << part;
    for (const char* part : c.excludes)
      EXPECT_EQ(help.find(escape_mrkdwn(part)), std::string::npos) << c.topic << " has " << part;
  }
}

TEST(CommandTable, SizesAreOrdered) {
  const auto sizes = support_sizes();
  ASSERT_EQ(sizes.size(), 5u);
  for (std::size_t i = 0; i < sizes.size(); ++i) EXPECT_EQ(to_string(static_cast<support_size>(i)), sizes[i]);
}

}  // namespace
}  // namespace devenv::slack
