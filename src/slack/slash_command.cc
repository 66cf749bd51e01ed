#include "slack/slash_command.h"

#include <fmt/format.h>

#include <utility>

namespace devenv::slack {

result<slash_command> parse_slash_command(const form_fields& form) {
  slash_command out;
  struct field {
    std::string_view name;
    std::string* target;
    bool required;
  };
  const field fields[] = {
      {"team_id", &out.team_id, true},
      {"channel_id", &out.channel_id, true},
      {"user_id", &out.user_id, true},
      {"command", &out.command, true},
      {"response_url", &out.response_url, true},
      {"text", &out.text, false},
      {"trigger_id", &out.trigger_id, false},
      {"team_domain", &out.team_domain, false},
      {"channel_name", &out.channel_name, false},
      {"user_name", &out.user_name, false},
      {"api_app_id", &out.api_app_id, false},
      {"enterprise_id", &out.enterprise_id, false},
      {"enterprise_name", &out.enterprise_name, false},
      {"token", &out.token, false},
  };
  for (const field& f : fields) {
    auto value = form.single(f.name);
    if (!value) return tl::unexpected(value.error());
    if (value->has_value()) *f.target = std::move(**value);
    if (f.required && f.target->empty()) {
      return fail(errc::invalid_argument, fmt::format("slash command without `{}`", f.name));
    }
  }
  if (!out.response_url.starts_with("https://") && !out.response_url.starts_with("http://")) {
    return fail(errc::invalid_argument, "slash command `response_url` is not an http(s) URL");
  }
  auto enterprise = form.single("is_enterprise_install");
  if (!enterprise) return tl::unexpected(enterprise.error());
  if (enterprise->has_value()) {
    if (**enterprise == "true") {
      out.is_enterprise_install = true;
    } else if (**enterprise != "false") {
      return fail(errc::invalid_argument, "slash command `is_enterprise_install` is neither true nor false");
    }
  }
  return out;
}

}  // namespace devenv::slack
