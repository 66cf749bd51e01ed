// Conformance: the kube-sim binary as a child process, judged by the real kubectl (1.32). Each test works in
// its own namespace of a shared kube-sim, or starts its own kube-sim when it needs other flags.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http/certificate_authority.h"
#include "http/curl_client.h"
#include "http/server.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono;

constexpr const char* kubectl_path = "/usr/bin/kubectl";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

template <class F>
bool eventually(F condition, milliseconds deadline = seconds(20)) {
  const auto end = steady_clock::now() + deadline;
  while (steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return condition();
}

// A child process with stdout and stderr redirected to files.
class child {
 public:
  child(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(o, 1);
      ::dup2(e, 2);
      const int null = ::open("/dev/null", O_RDONLY);
      ::dup2(null, 0);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~child() { stop(); }
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  // Waits for exit up to `deadline`; kills the child when it is still running. Returns the exit code.
  int wait(milliseconds deadline) {
    if (pid_ <= 0) return status_;
    const auto end = steady_clock::now() + deadline;
    while (steady_clock::now() < end) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return status_;
      }
      std::this_thread::sleep_for(milliseconds(10));
    }
    stop();
    return -1;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 300 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(milliseconds(10));
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

struct run_result {
  int code = -1;
  std::string out, err;
};

class kube_sim {
 public:
  explicit kube_sim(std::vector<std::string> extra = {}) {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("kubesim_conf_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const char* build = std::getenv("DEVENV_BINARY_DIR");
    const std::string binary = std::string(build ? build : ".") + "/tools/kube-sim/kube-sim";
    std::vector<std::string> argv = {
        binary, "--listen", "127.0.0.1:0", "--data-dir", (dir_ / "data").string(), "--ready-delay", "300ms"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<child>(argv, dir_ / "kube-sim.out", dir_ / "kube-sim.err");
    ready_ = eventually([&] { return fs::exists(dir_ / "data" / "ready"); }, seconds(30));
  }
  ~kube_sim() {
    process_.reset();
    fs::remove_all(dir_);
  }

  bool ready() const { return ready_; }
  fs::path data() const { return dir_ / "data"; }
  int port() const { return std::stoi(read_text(dir_ / "data" / "ready")); }
  std::string log() const { return read_text(dir_ / "kube-sim.err"); }

  run_result kubectl(std::vector<std::string> args, milliseconds deadline = seconds(60)) {
    std::vector<std::string> argv = {kubectl_path, "--kubeconfig", (data() / "kubeconfig").string(),
                                     "--cache-dir", (dir_ / "cache").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto n = std::to_string(runs_++);
    run_result result;
    {
      child c(argv, dir_ / ("out" + n), dir_ / ("err" + n));
      result.code = c.wait(deadline);
    }
    result.out = read_text(dir_ / ("out" + n));
    result.err = read_text(dir_ / ("err" + n));
    return result;
  }
  // kubectl in the background; its output accumulates in the returned file.
  std::unique_ptr<child> kubectl_background(std::vector<std::string> args, fs::path& out) {
    std::vector<std::string> argv = {kubectl_path, "--kubeconfig", (data() / "kubeconfig").string(),
                                     "--cache-dir", (dir_ / "cache").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto n = std::to_string(runs_++);
    out = dir_ / ("out" + n);
    return std::make_unique<child>(argv, out, dir_ / ("err" + n));
  }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  json get_json(std::vector<std::string> args) {
    args.insert(args.begin(), "get");
    args.push_back("-o");
    args.push_back("json");
    const auto r = kubectl(args);
    EXPECT_EQ(r.code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  std::string jsonpath(std::vector<std::string> args, const std::string& path) {
    args.insert(args.begin(), "get");
    args.push_back("-o");
    args.push_back("jsonpath=" + path);
    const auto r = kubectl(args);
    EXPECT_EQ(r.code, 0) << r.err;
    return r.out;
  }

 private:
  fs::path dir_;
  std::unique_ptr<child> process_;
  bool ready_ = false;
  int runs_ = 0;
};

std::string manifest(const std::string& ns, int replicas = 2, const std::string& image = "nginx:1.27") {
  return R"(apiVersion: v1
kind: Namespace
metadata:
  name: )" +
         ns + R"(
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: )" +
         ns + R"(
  labels: {app: web, tier: front}
spec:
  replicas: )" +
         std::to_string(replicas) + R"(
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: ")" +
         image + R"("}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: )" +
         ns + R"(
  labels: {app: api, tier: back}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "api:1"}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: )" +
         ns + R"(
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: "postgres:16"}]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: devenv-shutdown
  namespace: )" +
         ns + R"(
  labels: {app.kubernetes.io/managed-by: devenv-scaler}
spec:
  schedule: "0 19 * * 1-5"
  timeZone: Europe/Berlin
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: stop, image: "devenv-scaler:1", args: [stop, )" +
         ns + R"(]}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: )" +
         ns + R"(
data: {mode: dev}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: scaler
  namespace: )" +
         ns + R"(
)";
}

class KubectlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_ = new kube_sim(); }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(sim_->ready()) << sim_->log();
    ns_ = "t" + std::to_string(++namespaces_);
    const auto r = sim().kubectl({"apply", "-f", sim().write(ns_ + ".yaml", manifest(ns_)).string()});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  kube_sim& sim() { return *sim_; }

  static inline kube_sim* sim_ = nullptr;
  static inline int namespaces_ = 0;
  std::string ns_;
};

TEST_F(KubectlTest, GetsAndDescribesEveryKind) {
  struct {
    const char* kind;
    const char* name;
  } cases[] = {{"deployment", "web"},
               {"statefulset", "db"},
               {"cronjob", "devenv-shutdown"},
               {"configmap", "settings"},
               {"serviceaccount", "scaler"}};
  for (const auto& c : cases) {
    const json object = sim().get_json({c.kind, c.name, "-n", ns_});
    EXPECT_EQ(object["metadata"]["name"], c.name) << c.kind;
    EXPECT_EQ(object["metadata"]["namespace"], ns_) << c.kind;
    const auto described = sim().kubectl({"describe", c.kind, c.name, "-n", ns_});
    EXPECT_EQ(described.code, 0) << c.kind << described.err;
    EXPECT_NE(described.out.find("Name:"), std::string::npos) << c.kind << described.out;
  }
  EXPECT_EQ(sim().get_json({"namespace", ns_})["status"]["phase"], "Active");
  const auto described = sim().kubectl({"describe", "namespace", ns_});
  EXPECT_EQ(described.code, 0) << described.err;

  // The server-side table looks as on a real cluster.
  const auto table = sim().kubectl({"get", "deploy", "-n", ns_});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_EQ(table.out.substr(0, table.out.find('\n')).find("NAME"), 0u);
  for (const char* column : {"READY", "UP-TO-DATE", "AVAILABLE", "AGE"}) {
    EXPECT_NE(table.out.substr(0, table.out.find('\n')).find(column), std::string::npos) << table.out;
  }
  const auto cron = sim().kubectl({"get", "cronjobs", "-n", ns_});
  EXPECT_NE(cron.out.find("Europe/Berlin"), std::string::npos) << cron.out;
  EXPECT_NE(cron.out.find("LAST SCHEDULE"), std::string::npos) << cron.out;
}

TEST_F(KubectlTest, CreateAndApplyMultiDocumentManifests) {
  const std::string ns = ns_ + "-fresh";
  const auto file = sim().write(ns + ".yaml", manifest(ns));
  const auto created = sim().kubectl({"create", "-f", file.string()});
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_NE(created.out.find("deployment.apps/web created"), std::string::npos) << created.out;
  const auto again = sim().kubectl({"create", "-f", file.string()});
  EXPECT_NE(again.code, 0);
  EXPECT_NE(again.err.find("AlreadyExists"), std::string::npos) << again.err;

  // First apply over objects made by create: kubectl warns about the missing annotation and configures them.
  EXPECT_EQ(sim().kubectl({"apply", "-f", file.string()}).code, 0);
  const auto unchanged = sim().kubectl({"apply", "-f", file.string()});
  ASSERT_EQ(unchanged.code, 0) << unchanged.err;
  EXPECT_NE(unchanged.out.find("deployment.apps/web unchanged"), std::string::npos) << unchanged.out;
  EXPECT_NE(unchanged.out.find("namespace/" + ns + " unchanged"), std::string::npos) << unchanged.out;

  const auto changed =
      sim().kubectl({"apply", "-f", sim().write(ns + "-2.yaml", manifest(ns, 3, "nginx:1.28")).string()});
  ASSERT_EQ(changed.code, 0) << changed.err;
  EXPECT_NE(changed.out.find("deployment.apps/web configured"), std::string::npos) << changed.out;
  EXPECT_NE(changed.out.find("statefulset.apps/db unchanged"), std::string::npos) << changed.out;
  EXPECT_EQ(sim().jsonpath({"deploy", "web", "-n", ns},
                           "{.spec.replicas} {.spec.template.spec.containers[0].image}"),
            "3 nginx:1.28");
}

TEST_F(KubectlTest, LabelsAndAnnotatesNamespaces) {
  ASSERT_EQ(sim().kubectl({"label", "namespace", ns_, "scheduler=enabled"}).code, 0);
  const auto refused = sim().kubectl({"label", "namespace", ns_, "scheduler=disabled"});
  EXPECT_NE(refused.code, 0);
  EXPECT_NE(refused.err.find("already has a value"), std::string::npos) << refused.err;
  ASSERT_EQ(sim().kubectl({"label", "namespace", ns_, "scheduler=disabled", "--overwrite"}).code, 0);
  ASSERT_EQ(sim().kubectl({"annotate", "namespace", ns_, "devenv-scaler/state=stopped"}).code, 0);
  ASSERT_EQ(sim().kubectl({"annotate", "namespace", ns_, "devenv-scaler/state=running", "--overwrite"}).code,
            0);
  const json ns = sim().get_json({"namespace", ns_});
  EXPECT_EQ(ns["metadata"]["labels"]["scheduler"], "disabled");
  EXPECT_EQ(ns["metadata"]["annotations"]["devenv-scaler/state"], "running");
  ASSERT_EQ(sim().kubectl({"label", "namespace", ns_, "scheduler-"}).code, 0);
  EXPECT_FALSE(
      sim().get_json({"namespace", ns_})["metadata"].value("labels", json::object()).contains("scheduler"));
}

TEST_F(KubectlTest, ScalesWorkloadsAndReadinessFollows) {
  ASSERT_EQ(sim().kubectl({"scale", "deployment", "web", "-n", ns_, "--replicas=4"}).code, 0);
  const auto rollout = sim().kubectl({"rollout", "status", "deployment/web", "-n", ns_, "--timeout=30s"});
  EXPECT_EQ(rollout.code, 0) << rollout.out << rollout.err;
  EXPECT_NE(rollout.out.find("successfully rolled out"), std::string::npos) << rollout.out;
  EXPECT_EQ(sim().jsonpath({"deploy", "web", "-n", ns_}, "{.spec.replicas}/{.status.readyReplicas}"), "4/4");

  ASSERT_EQ(sim().kubectl({"scale", "statefulset", "db", "-n", ns_, "--replicas=3"}).code, 0);
  EXPECT_TRUE(eventually([&] {
    return sim().jsonpath({"sts", "db", "-n", ns_}, "{.status.readyReplicas}") == "3";
  }));
  ASSERT_EQ(sim().kubectl({"scale", "deployment", "web", "-n", ns_, "--replicas=0"}).code, 0);
  EXPECT_TRUE(eventually([&] {
    return sim().jsonpath({"deploy", "web", "-n", ns_}, "{.spec.replicas}/{.status.readyReplicas}") == "0/";
  })) << sim().jsonpath({"deploy", "web", "-n", ns_}, "{.status}");
}

TEST_F(KubectlTest, PatchesWithEveryType) {
  struct {
    const char* type;
    const char* patch;
    const char* key;
  } cases[] = {
      {"merge", R"({"metadata":{"annotations":{"devenv-scaler/original-replicas":"2"}}})",
       "devenv-scaler/original-replicas"},
      {"json", R"([{"op":"add","path":"/metadata/annotations/json","value":"yes"}])", "json"},
      {"strategic", R"({"metadata":{"annotations":{"strategic":"yes"}}})", "strategic"},
  };
  for (const auto& c : cases) {
    const auto r = sim().kubectl({"patch", "deployment", "web", "-n", ns_, "--type", c.type, "-p", c.patch});
    ASSERT_EQ(r.code, 0) << c.type << r.err;
    EXPECT_NE(r.out.find("patched"), std::string::npos) << r.out;
  }
  const json annotations = sim().get_json({"deploy", "web", "-n", ns_})["metadata"]["annotations"];
  for (const auto& c : cases) EXPECT_TRUE(annotations.contains(c.key)) << c.key;
  // Strategic merge on containers merges by name rather than replacing the list.
  ASSERT_EQ(
      sim()
          .kubectl({"patch", "deployment", "web", "-n", ns_, "-p",
                    R"({"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2"}]}}}})"})
          .code,
      0);
  EXPECT_EQ(sim().jsonpath({"deploy", "web", "-n", ns_}, "{.spec.template.spec.containers[*].image}"),
            "nginx:2");
}

TEST_F(KubectlTest, DeletesObjects) {
  const auto r = sim().kubectl({"delete", "deployment", "api", "-n", ns_});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("deployment.apps \"api\" deleted"), std::string::npos) << r.out;
  const auto gone = sim().kubectl({"get", "deployment", "api", "-n", ns_});
  EXPECT_NE(gone.code, 0);
  EXPECT_NE(gone.err.find("NotFound"), std::string::npos) << gone.err;
  EXPECT_EQ(sim().kubectl({"delete", "configmap", "settings", "-n", ns_, "--dry-run=server"}).code, 0);
  EXPECT_EQ(sim().kubectl({"get", "configmap", "settings", "-n", ns_}).code, 0);
}

TEST_F(KubectlTest, WatchSeesAConcurrentChange) {
  fs::path out;
  auto watch = sim().kubectl_background({"get", "deployments", "-n", ns_, "-w"}, out);
  ASSERT_TRUE(eventually([&] { return read_text(out).find("web") != std::string::npos; })) << read_text(out);
  const auto file = sim().write(ns_ + "-late.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: late, namespace: )" + ns_ + R"(}
spec:
  replicas: 1
  selector: {matchLabels: {app: late}}
  template:
    metadata: {labels: {app: late}}
    spec: {containers: [{name: late, image: busybox}]}
)");
  ASSERT_EQ(sim().kubectl({"apply", "-f", file.string()}).code, 0);
  EXPECT_TRUE(eventually([&] { return read_text(out).find("late") != std::string::npos; })) << read_text(out);
  // Readiness arrives as a further event on the same watch.
  EXPECT_TRUE(eventually([&] {
    const std::string text = read_text(out);
    return text.find("late   1/1") != std::string::npos;
  })) << read_text(out);
  const std::string text = read_text(out);
  EXPECT_EQ(text.find("NAME"), 0u);
  EXPECT_EQ(text.find("NAME", 1), std::string::npos) << "the header is printed once: " << text;
}

TEST_F(KubectlTest, SelectorsFilter) {
  const auto r = sim().kubectl({"get", "deployments", "-n", ns_, "-l", "tier=front", "-o", "name"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "deployment.apps/web\n");
  EXPECT_EQ(sim().kubectl({"get", "deployments", "-n", ns_, "-l", "tier!=front", "-o", "name"}).out,
            "deployment.apps/api\n");
  EXPECT_EQ(
      sim()
          .kubectl({"get", "deployments", "-n", ns_, "--field-selector", "metadata.name=api", "-o", "name"})
          .out,
      "deployment.apps/api\n");
  const auto all = sim().kubectl({"get", "deployments", "-A", "-l", "app=web", "-o", "name"});
  EXPECT_NE(all.out.find("deployment.apps/web"), std::string::npos);
}

TEST_F(KubectlTest, ReplaceWithAStaleResourceVersionConflicts) {
  const auto stale = sim().kubectl({"get", "statefulset", "db", "-n", ns_, "-o", "json"});
  ASSERT_EQ(stale.code, 0);
  const auto file = sim().write(ns_ + "-stale.json", stale.out);
  ASSERT_EQ(sim().kubectl({"annotate", "statefulset", "db", "-n", ns_, "touched=yes"}).code, 0);
  const auto r = sim().kubectl({"replace", "-f", file.string()});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("Conflict"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the object has been modified"), std::string::npos) << r.err;
}

TEST_F(KubectlTest, RefusesRequestsWithoutAValidToken) {
  const auto r = sim().kubectl({"--token", "not-a-token", "get", "namespaces"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("Unauthorized"), std::string::npos) << r.err;

  devenv::http::curl_client client;
  devenv::http::client_request request;
  request.url = "https://127.0.0.1:" + std::to_string(sim().port()) + "/api/v1/namespaces";
  request.tls.ca_pem = read_text(sim().data() / "ca.crt");
  auto response = client.perform(request);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(json::parse(response->body)["reason"], "Unauthorized");
}

TEST_F(KubectlTest, VerifiesHttpsWithTheGeneratedCa) {
  const std::string kubeconfig = read_text(sim().data() / "kubeconfig");
  EXPECT_NE(kubeconfig.find("certificate-authority-data:"), std::string::npos);
  EXPECT_EQ(kubeconfig.find("insecure"), std::string::npos);
  EXPECT_NE(kubeconfig.find("https://127.0.0.1:" + std::to_string(sim().port())), std::string::npos);
  // Any other CA is refused: the served certificate really is checked.
  auto other = devenv::http::certificate_authority::create("someone-else", system_clock::now());
  ASSERT_TRUE(other);
  const auto other_ca = sim().write("other-ca.crt", other->certificate_pem());
  const auto copy = sim().write("other-kubeconfig", kubeconfig);
  ASSERT_EQ(sim()
                .kubectl({"--kubeconfig", copy.string(), "config", "set-cluster", "kube-sim",
                          "--certificate-authority", other_ca.string(), "--embed-certs=true"})
                .code,
            0);
  const auto r = sim().kubectl({"--kubeconfig", copy.string(), "get", "namespaces"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("certificate signed by unknown authority"), std::string::npos) << r.err;
  EXPECT_EQ(sim().kubectl({"get", "namespaces"}).code, 0);
}

TEST_F(KubectlTest, CreatesANamespaceFromProtobuf) {
  // kubectl 1.32 sends `create namespace` as application/vnd.kubernetes.protobuf and accepts a JSON answer.
  const std::string name = ns_ + "-pb";
  const auto created = sim().kubectl({"create", "namespace", name});
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_NE(created.out.find("namespace/" + name + " created"), std::string::npos) << created.out;
  EXPECT_EQ(sim().jsonpath({"namespace", name}, "{.status.phase}"), "Active");
  const auto again = sim().kubectl({"create", "namespace", name});
  EXPECT_NE(again.code, 0);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  // Other kinds kubectl sends as protobuf are still refused (415), and kubectl says so.
  const auto deployment = sim().kubectl({"create", "deployment", "pb", "-n", name, "--image=nginx"});
  EXPECT_NE(deployment.code, 0);
}

// A webhook server over TLS in this process (its own CA, passed to kube-sim as caBundle): a mutating webhook
// that labels new namespaces scheduler=enabled and marks disabled ones, a validating one that warns about
// unknown scheduler values. Records every AdmissionReview it gets.
class webhook_server {
 public:
  explicit webhook_server(const fs::path& dir) {
    const auto now = system_clock::now();
    auto ca = devenv::http::certificate_authority::create("webhook-ca", now);
    EXPECT_TRUE(ca);
    ca_pem_ = ca->certificate_pem();
    auto leaf = ca->issue({"webhook", {"localhost"}, {"127.0.0.1"}, hours(1)}, now);
    EXPECT_TRUE(leaf);
    EXPECT_TRUE(devenv::http::certificate_authority::write_files(*leaf, dir / "hook.crt", dir / "hook.key"));
    auto tls = devenv::http::tls_context::from_files(dir / "hook.crt", dir / "hook.key");
    EXPECT_TRUE(tls);
    devenv::http::server_options options;
    options.tls = *tls;
    server_ = std::make_unique<devenv::http::server>(
        io_, options, [this](devenv::http::request& request) { return serve(request); });
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~webhook_server() {
    boost::asio::post(io_, [this] { server_->stop(milliseconds(200)); });
    thread_.join();
  }
  webhook_server(const webhook_server&) = delete;
  webhook_server& operator=(const webhook_server&) = delete;

  std::string url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  const std::string& ca_pem() const { return ca_pem_; }
  std::vector<json> reviews() {
    std::lock_guard lock(mutex_);
    return reviews_;
  }

 private:
  boost::asio::awaitable<devenv::http::response> serve(devenv::http::request& request) {
    const json review = json::parse(request.body, nullptr, false);
    {
      std::lock_guard lock(mutex_);
      reviews_.push_back(review);
    }
    const json& req = review["request"];
    const json labels = req["object"]["metadata"].value("labels", json::object());
    json response = {{"uid", req["uid"]}, {"allowed", true}};
    json patch = json::array();
    if (request.path == "/mutate") {
      if (!req["object"]["metadata"].contains("labels"))
        patch.push_back({{"op", "add"}, {"path", "/metadata/labels"}, {"value", json::object()}});
      if (!labels.contains("scheduler"))
        patch.push_back({{"op", "add"}, {"path", "/metadata/labels/scheduler"}, {"value", "enabled"}});
      const bool disabled = labels.value("scheduler", "") == "disabled";
      patch.push_back({{"op", "add"},
                       {"path", "/metadata/labels/devenv-scaler~1cronjob"},
                       {"value", disabled ? "suspended" : "active"}});
    } else {
      const std::string value = labels.value("scheduler", "enabled");
      if (value != "enabled" && value != "disabled")
        response["warnings"] = {"scheduler label \"" + value + "\" is treated as disabled"};
    }
    if (!patch.empty()) {
      response["patchType"] = "JSONPatch";
      response["patch"] = base64(patch.dump());
    }
    co_return devenv::http::response::json(
        200, json{{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"response", response}}
                 .dump());
  }

  static std::string base64(const std::string& in) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (const unsigned char c : in) {
      buffer = (buffer << 8) | c;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        out.push_back(table[(buffer >> bits) & 0x3f]);
      }
    }
    if (bits > 0) out.push_back(table[(buffer << (6 - bits)) & 0x3f]);
    while (out.size() % 4 != 0) out.push_back('=');
    return out;
  }

  boost::asio::io_context io_{1};
  std::unique_ptr<devenv::http::server> server_;
  std::thread thread_;
  std::string ca_pem_;
  std::mutex mutex_;
  std::vector<json> reviews_;
};

// The two configurations, one JSON document each (kubectl reads a file starting with '{' as one JSON object).
std::vector<json> webhook_configurations(const webhook_server& hook, const std::string& down_url) {
  std::string bundle;
  {
    // caBundle is base64 of the PEM; kubectl apply -f takes YAML, which takes JSON.
    const std::string& pem = hook.ca_pem();
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned buffer = 0;
    int bits = 0;
    for (const unsigned char c : pem) {
      buffer = (buffer << 8) | c;
      bits += 8;
      while (bits >= 6) {
        bits -= 6;
        bundle.push_back(table[(buffer >> bits) & 0x3f]);
      }
    }
    if (bits > 0) bundle.push_back(table[(buffer << (6 - bits)) & 0x3f]);
    while (bundle.size() % 4 != 0) bundle.push_back('=');
  }
  const json rules = json::array({{{"operations", {"CREATE", "UPDATE"}},
                                   {"apiGroups", {""}},
                                   {"apiVersions", {"v1"}},
                                   {"resources", {"namespaces"}}}});
  const json skip_protected = {{"matchExpressions",
                                {{{"key", "kubernetes.io/metadata.name"},
                                  {"operator", "NotIn"},
                                  {"values", {"default", "kube-system"}}}}}};
  auto entry = [&](const std::string& name, const std::string& url, const std::string& policy) {
    return json{{"name", name},
                {"admissionReviewVersions", {"v1"}},
                {"sideEffects", "NoneOnDryRun"},
                {"failurePolicy", policy},
                {"timeoutSeconds", 5},
                {"namespaceSelector", skip_protected},
                {"clientConfig", {{"url", url}, {"caBundle", bundle}}},
                {"rules", rules}};
  };
  const json mutating = {{"apiVersion", "admissionregistration.k8s.io/v1"},
                         {"kind", "MutatingWebhookConfiguration"},
                         {"metadata", {{"name", "devenv-scaler"}}},
                         {"webhooks", {entry("namespaces.devenv-scaler.io", hook.url("/mutate"), "Fail")}}};
  const json validating = {{"apiVersion", "admissionregistration.k8s.io/v1"},
                           {"kind", "ValidatingWebhookConfiguration"},
                           {"metadata", {{"name", "devenv-scaler"}}},
                           {"webhooks",
                            {entry("labels.devenv-scaler.io", hook.url("/validate"), "Fail"),
                             entry("down.devenv-scaler.io", down_url, "Ignore")}}};
  return {mutating, validating};
}

TEST(KubectlWebhooks, NamespaceAdmissionLikeKubeApiserver) {
  kube_sim sim;
  ASSERT_TRUE(sim.ready()) << sim.log();
  const fs::path dir = sim.data().parent_path();
  webhook_server hook(dir);
  // A webhook that is down: a port nobody listens on (failurePolicy Ignore → requests still succeed).
  std::string down_url;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    down_url = "https://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/down";
  }
  const auto configurations = webhook_configurations(hook, down_url);
  const auto applied =
      sim.kubectl({"apply", "-f", sim.write("mutating.json", configurations[0].dump()).string(), "-f",
                   sim.write("validating.json", configurations[1].dump()).string()});
  ASSERT_EQ(applied.code, 0) << applied.err;

  // create namespace (protobuf) → mutated: label added, "CronJob active".
  const auto created = sim.kubectl({"create", "namespace", "dev9"});
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_EQ(sim.jsonpath({"namespace", "dev9"}, "{.metadata.labels.scheduler}"), "enabled");
  EXPECT_EQ(sim.jsonpath({"namespace", "dev9"}, "{.metadata.labels.devenv-scaler/cronjob}"), "active");

  // label → UPDATE reaches the webhook with the new labels; its patch is applied.
  const auto labelled = sim.kubectl({"label", "ns", "dev9", "scheduler=disabled", "--overwrite"});
  ASSERT_EQ(labelled.code, 0) << labelled.err;
  EXPECT_EQ(sim.jsonpath({"namespace", "dev9"}, "{.metadata.labels.devenv-scaler/cronjob}"), "suspended");

  // A webhook warning is printed by kubectl.
  const auto warned = sim.kubectl({"label", "ns", "dev9", "scheduler=maybe", "--overwrite"});
  ASSERT_EQ(warned.code, 0) << warned.err;
  EXPECT_NE(warned.err.find("Warning: scheduler label \"maybe\" is treated as disabled"), std::string::npos)
      << warned.err;

  // --dry-run=server reaches the webhook with dryRun=true and creates nothing.
  const auto before = hook.reviews().size();
  const auto dry = sim.kubectl({"create", "namespace", "dev10", "--dry-run=server", "-o", "json"});
  ASSERT_EQ(dry.code, 0) << dry.err;
  EXPECT_EQ(json::parse(dry.out, nullptr, false)["metadata"]["labels"]["scheduler"], "enabled") << dry.out;
  const auto seen = hook.reviews();
  ASSERT_GT(seen.size(), before);
  for (auto i = before; i < seen.size(); ++i) EXPECT_EQ(seen[i]["request"]["dryRun"], true);
  EXPECT_NE(sim.kubectl({"get", "namespace", "dev10"}).code, 0);

  // Every write also tried the webhook that is down; Ignore let each through. /_sim/webhooks shows it.
  devenv::http::curl_client client;
  devenv::http::client_request request;
  request.url = "https://127.0.0.1:" + std::to_string(sim.port()) + "/_sim/webhooks";
  {
    std::string token = read_text(sim.data() / "token");
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    request.headers = {{"Authorization", "Bearer " + token}};
  }
  request.tls.ca_file = (sim.data() / "ca.crt").string();
  const auto calls = client.perform(request);
  ASSERT_TRUE(calls) << calls.error().message;
  ASSERT_EQ(calls->status, 200) << calls->body;
  int down_ignored = 0, dry_runs = 0;
  const json recorded = json::parse(calls->body);
  for (const auto& call : recorded["items"]) {
    if (call["webhook"] == "down.devenv-scaler.io" && call["outcome"] == "failed" && call["ignored"] == true)
      ++down_ignored;
    if (call["dryRun"] == true) ++dry_runs;
  }
  EXPECT_EQ(down_ignored, 4);  // create, two labels, the dry run
  EXPECT_EQ(dry_runs, 3);      // mutating, validating, down

  // Protected namespaces are skipped by the namespaceSelector.
  const auto reviews_before = hook.reviews().size();
  ASSERT_EQ(sim.kubectl({"label", "ns", "default", "x=y"}).code, 0);
  EXPECT_EQ(hook.reviews().size(), reviews_before);
}

TEST(KubeSimProcess, PlainHttpWithTokenFileAndSeeds) {
  const auto dir = fs::temp_directory_path() / ("kubesim_seed_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "tokens.csv") << "admin-tok,root,0,system:masters\nreader-tok,reader,1,\"devs,ops\"\n";
  std::ofstream(dir / "seed.yaml") << manifest("seeded");
  kube_sim sim({"--http", "--token-file", (dir / "tokens.csv").string(), "--seed",
                (dir / "seed.yaml").string(), "--request-log", (dir / "requests.jsonl").string()});
  ASSERT_TRUE(sim.ready()) << sim.log();
  const std::string kubeconfig = read_text(sim.data() / "kubeconfig");
  EXPECT_NE(kubeconfig.find("http://127.0.0.1:"), std::string::npos) << kubeconfig;
  EXPECT_NE(kubeconfig.find("admin-tok"), std::string::npos);
  EXPECT_EQ(sim.jsonpath({"deploy", "-n", "seeded"}, "{.items[*].metadata.name}"), "api web");
  // kubectl sends no credentials over plain HTTP: such requests act as the admin of the token file. A client
  // that does send a token is authenticated as its user; a wrong token is still refused.
  devenv::http::curl_client client;
  auto get = [&](const std::string& token) {
    devenv::http::client_request request;
    request.url = "http://127.0.0.1:" + std::to_string(sim.port()) + "/api/v1/namespaces/seeded";
    request.headers = {{"Authorization", "Bearer " + token}};
    auto response = client.perform(request);
    EXPECT_TRUE(response);
    return response ? response->status : 0;
  };
  EXPECT_EQ(get("reader-tok"), 200);
  EXPECT_EQ(get("wrong"), 401);
  std::ifstream log(dir / "requests.jsonl");
  std::string line;
  bool reader_get = false, admin_list = false;
  while (std::getline(log, line)) {
    const json entry = json::parse(line);
    if (entry["user"] == "reader" && entry["verb"] == "get" && entry["resource"] == "namespaces")
      reader_get = true;
    if (entry["user"] == "root" && entry["verb"] == "list" && entry["resource"] == "deployments")
      admin_list = true;
  }
  EXPECT_TRUE(reader_get);
  EXPECT_TRUE(admin_list);
  fs::remove_all(dir);
}

}  // namespace
