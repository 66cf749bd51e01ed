// The Dockerfile, checked without a Docker engine: its runtime stage installs the Debian package of every
// shared library the devenv-scaler binary links (readelf, ldd, dpkg -S on this bookworm machine), runs as a
// numeric non-root user, and its entrypoint and the commands the chart and the CronJobs run exist in the
// binary's command line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

struct runtime_stage {
  std::set<std::string> packages;  // apt-get install arguments
  std::string user;                // the last USER
  std::string entrypoint;          // the last ENTRYPOINT
  std::string copied_binary;       // where COPY --from=build puts devenv-scaler
  std::string from;
};

// The Dockerfile's last stage, with line continuations joined.
runtime_stage parse_runtime_stage(const std::string& dockerfile) {
  std::string joined;
  std::istringstream in(dockerfile);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.front() == '#') continue;
    if (!line.empty() && line.back() == '\\') {
      line.pop_back();
      joined += line + " ";
    } else {
      joined += line + "\n";
    }
  }
  runtime_stage stage;
  std::istringstream lines(joined);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string instruction;
    words >> instruction;
    if (instruction == "FROM") {
      stage = runtime_stage{};
      words >> stage.from;
    } else if (instruction == "USER") {
      words >> stage.user;
    } else if (instruction == "ENTRYPOINT") {
      const auto open = line.find('"');
      const auto close = open == std::string::npos ? open : line.find('"', open + 1);
      if (close != std::string::npos) stage.entrypoint = line.substr(open + 1, close - open - 1);
    } else if (instruction == "COPY" && line.find("--from=build") != std::string::npos) {
      std::string word, last;
      while (words >> word) last = word;
      stage.copied_binary = last;
    } else if (instruction == "RUN") {
      // Every word after "install" up to the next shell operator that is not an option.
      const auto at = line.find("apt-get install");
      if (at == std::string::npos) continue;
      std::istringstream args(line.substr(at + 15));
      for (std::string arg; args >> arg;) {
        if (arg == "&&" || arg == ";" || arg == "|") break;
        if (arg.front() != '-') stage.packages.insert(arg);
      }
    }
  }
  return stage;
}

std::vector<std::string> needed_libraries(const std::filesystem::path& binary) {
  const auto r = run_command({"readelf", "-d", binary.string()});
  std::vector<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const auto open = line.find("(NEEDED)") == std::string::npos ? std::string::npos : line.find('[');
    const auto close = open == std::string::npos ? open : line.find(']', open);
    if (close != std::string::npos) out.push_back(line.substr(open + 1, close - open - 1));
  }
  return out;
}

// soname → path, as the dynamic loader resolves it here.
std::map<std::string, std::string> resolved_paths(const std::filesystem::path& binary) {
  const auto r = run_command({"ldd", binary.string()});
  std::map<std::string, std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string soname, arrow, path;
    if (words >> soname >> arrow >> path && arrow == "=>" && path.starts_with("/")) out[soname] = path;
  }
  return out;
}

std::string owning_package(const std::string& path) {
  std::error_code ec;
  for (const auto& candidate : {path, std::filesystem::canonical(path, ec).string()}) {
    const auto r = run_command({"dpkg", "-S", candidate});
    if (r.exit_code == 0) {
      const auto colon = r.out.find(':');
      return r.out.substr(0, colon);
    }
  }
  return {};
}

// Sanitizer runtimes are linked by the ASan/UBSan test builds only; the image is built with the release
// preset.
bool sanitizer_runtime(const std::string& soname) {
  return soname.starts_with("libasan") || soname.starts_with("libubsan") || soname.starts_with("libtsan") ||
         soname.starts_with("liblsan");
}

TEST(Dockerfile, ParsesTheRuntimeStage) {
  const auto stage = parse_runtime_stage(
      "FROM x AS build\nRUN apt-get install -y gcc\nFROM debian:bookworm-slim AS runtime\n"
      "# a comment\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends \\\n a b \\\n"
      " && rm -rf /x\nCOPY --from=build /src/bin /usr/local/bin/tool\nUSER 10001:10001\n"
      "ENTRYPOINT [\"/usr/local/bin/tool\"]\n");
  EXPECT_EQ(stage.from, "debian:bookworm-slim");
  EXPECT_EQ(stage.packages, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(stage.user, "10001:10001");
  EXPECT_EQ(stage.entrypoint, "/usr/local/bin/tool");
  EXPECT_EQ(stage.copied_binary, "/usr/local/bin/tool");
}

TEST(Dockerfile, RuntimeStageCarriesEveryLinkedLibrary) {
  const auto stage = parse_runtime_stage(read_file(source_path("Dockerfile")));
  ASSERT_FALSE(stage.packages.empty());
  EXPECT_TRUE(stage.packages.count("ca-certificates"));
  EXPECT_TRUE(stage.packages.count("tzdata"));  // schedules are in IANA zones

  const auto binary = binary_path("src/app/devenv-scaler");
  const auto needed = needed_libraries(binary);
  ASSERT_FALSE(needed.empty()) << "readelf found no NEEDED entries in " << binary;
  const auto paths = resolved_paths(binary);
  std::set<std::string> used;
  for (const auto& soname : needed) {
    if (sanitizer_runtime(soname)) continue;
    if (soname.starts_with("ld-linux")) continue;  // the loader, from libc6
    ASSERT_TRUE(paths.count(soname)) << soname << " is not resolved by ldd";
    const auto package = owning_package(paths.at(soname));
    ASSERT_FALSE(package.empty()) << "no Debian package owns " << paths.at(soname);
    used.insert(package);
    EXPECT_TRUE(stage.packages.count(package)) << "the binary links " << soname << " (" << package
                                               << ") but the runtime stage does not install " << package;
  }
  // Listed but not linked: reported, not failed, since modules being added (AWS: pugixml, SQLite) may not be
  // linked into this build yet.
  for (const auto& package : stage.packages) {
    if (!used.count(package) && package != "ca-certificates" && package != "tzdata")
      std::printf("note: the runtime stage installs %s, which this build of the binary does not link\n",
                  package.c_str());
  }
}

TEST(Dockerfile, RunsAsNumericNonRootUser) {
  const auto stage = parse_runtime_stage(read_file(source_path("Dockerfile")));
  EXPECT_TRUE(stage.from.starts_with("${DEBIAN_IMAGE}") || stage.from.starts_with("debian:bookworm"))
      << stage.from;
  ASSERT_FALSE(stage.user.empty());
  const auto uid = stage.user.substr(0, stage.user.find(':'));
  ASSERT_TRUE(std::all_of(uid.begin(), uid.end(), [](char c) { return std::isdigit(c); }))
      << "USER must be numeric for runAsNonRoot: " << stage.user;
  EXPECT_NE(std::stoi(uid), 0);
  // The chart's default pod user is the image's.
  const auto values = read_file(source_path("deploy/helm/devenv-scaler/values.yaml"));
  EXPECT_NE(values.find("runAsUser: " + uid), std::string::npos);
}

TEST(Dockerfile, EntrypointRunsEveryCommandTheDeploymentUses) {
  const auto stage = parse_runtime_stage(read_file(source_path("Dockerfile")));
  EXPECT_EQ(stage.entrypoint, stage.copied_binary);
  EXPECT_EQ(stage.entrypoint, "/usr/local/bin/devenv-scaler");
  const auto binary = binary_path("src/app/devenv-scaler").string();
  const auto help = run_command({binary, "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  // serve: the Deployment; stop: the shutdown CronJob's Job (args ["stop", "<ns>"]); the client commands
  // people run with `kubectl exec` or from their machine.
  for (const auto* command : {"serve", "stop", "start", "status", "list"}) {
    SCOPED_TRACE(command);
    EXPECT_NE(help.out.find(command), std::string::npos) << help.out;
    const auto r = run_command({binary, command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  // The cacher Deployment (cacher.enabled) runs `cacher`, added with the AWS inventory.
  if (help.out.find("cacher") == std::string::npos) {
    std::printf("note: this binary has no `cacher` command yet: the chart's cacher.enabled=true needs it\n");
  } else {
    EXPECT_EQ(run_command({binary, "cacher", "--help"}).exit_code, 0);
  }
}

}  // namespace
}  // namespace devenv::testing
