// Where AWS settings come from: environment variables (through an injectable lookup, so tests and the
// service never depend on the process environment implicitly) and the shared config/credentials files with
// profiles. Parsing is pure; load_profiles() is the one function here that reads files.
//
// Files (as the AWS SDKs read them): AWS_CONFIG_FILE (default ~/.aws/config) with sections `[default]` and
// `[profile NAME]`; AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) with sections `[NAME]`. Keys of
// the same profile from the credentials file win over the config file. The active profile is AWS_PROFILE,
// else AWS_DEFAULT_PROFILE, else "default". Comments start with '#' or ';'; keys and values are trimmed;
// indented lines (nested sub-sections such as `s3 =`) are ignored.
//
// Thread-safety: env_lookup functions returned here are safe to call concurrently; profiles is a value.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace devenv::aws {

// Returns the value of an environment variable, or nullopt when unset. Empty values count as unset, as the
// SDKs treat them.
using env_lookup = std::function<std::optional<std::string>(const std::string& name)>;

env_lookup process_environment();
env_lookup map_environment(std::map<std::string, std::string> values);

// profile name -> key -> value
using profiles = std::map<std::string, std::map<std::string, std::string>>;

// Parses one file. is_config: section names are "default" or "profile NAME" (other sections such as
// "sso-session x" or "services x" are kept under their full name); otherwise section names are profile names.
// Malformed lines are an error naming the line number (never its content: it may hold a secret).
result<profiles> parse_profile_file(std::string_view text, bool is_config);

// The active profile name.
std::string active_profile(const env_lookup& env);

// Reads and merges both files (missing files are fine: empty result). An unreadable or malformed file is an
// error.
result<profiles> load_profiles(const env_lookup& env);

// The active profile's key, or nullopt.
std::optional<std::string> profile_value(const profiles& all, const env_lookup& env, const std::string& key);

}  // namespace devenv::aws
