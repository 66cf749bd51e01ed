#include "http/server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

namespace devenv::http {
namespace {

using namespace std::chrono_literals;

// A real libcurl client: the server is judged by a real peer, not by our own client code.
struct curl_result {
  long status = 0;
  std::string body;
  CURLcode code = CURLE_OK;
  long new_connections = 0;
};

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

curl_result perform(CURL* curl, const std::string& url, const std::string* body = nullptr,
                    curl_slist* headers = nullptr) {
  curl_result r;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  if (body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  }
  if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  r.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &r.new_connections);
  return r;
}

class ServerTest : public ::testing::Test {
 protected:
  void start(handler h, server_options options = {}) {
    server_ = std::make_unique<server>(io_, std::move(options), std::move(h));
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (server_) server_->stop(1s);
    if (thread_.joinable()) thread_.join();
  }
  std::string url(const std::string& path, const char* scheme = "http") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  net::io_context io_;
  std::unique_ptr<server> server_;
  std::thread thread_;
};

handler echo_handler() {
  return [](request& req) -> net::awaitable<response> {
    nlohmann::json j;
    j["method"] = req.method;
    j["path"] = req.path;
    j["q"] = std::string(req.query_param("q"));
    j["flag"] = req.has_query_param("flag");
    j["header"] = std::string(req.header("X-Test"));
    j["body"] = req.body;
    co_return response::json(200, j.dump());
  };
}

TEST_F(ServerTest, DecodesPathQueryHeadersAndRawBody) {
  start(echo_handler());
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "x-TEST: yes");
  const std::string body = "a=1&b=%20x+y";  // must arrive untouched: Slack signatures are over raw bytes
  auto r = perform(curl, url("/a%20b/c?q=hello+world%21&flag"), &body, headers);
  ASSERT_EQ(r.code, CURLE_OK);
  EXPECT_EQ(r.status, 200);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["method"], "POST");
  EXPECT_EQ(j["path"], "/a b/c");
  EXPECT_EQ(j["q"], "hello world!");
  EXPECT_EQ(j["flag"], true);
  EXPECT_EQ(j["header"], "yes");
  EXPECT_EQ(j["body"], body);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
}

TEST_F(ServerTest, KeepsConnectionsAlive) {
  start(echo_handler());
  CURL* curl = curl_easy_init();
  auto first = perform(curl, url("/one"));
  auto second = perform(curl, url("/two"));
  EXPECT_EQ(first.new_connections, 1);
  EXPECT_EQ(second.new_connections, 0) << "second request should reuse the connection";
  EXPECT_EQ(second.status, 200);
  curl_easy_cleanup(curl);
}

TEST_F(ServerTest, RejectsOversizedBodyWith413) {
  server_options options;
  options.max_body_bytes = 1024;
  std::atomic<int> calls{0};
  start(
      [&calls](request&) -> net::awaitable<response> {
        ++calls;
        co_return response::text(200, "ok");
      },
      options);
  CURL* curl = curl_easy_init();
  const std::string big(4096, 'x');
  auto r = perform(curl, url("/"), &big);
  EXPECT_EQ(r.status, 413) << curl_easy_strerror(r.code);
  EXPECT_EQ(calls.load(), 0) << "the handler must not see an oversized request";
  const std::string small(512, 'x');
  CURL* again = curl_easy_init();
  EXPECT_EQ(perform(again, url("/"), &small).status, 200);
  curl_easy_cleanup(curl);
  curl_easy_cleanup(again);
}

TEST_F(ServerTest, RejectsHugeHeadersWith431) {
  server_options options;
  options.max_header_bytes = 2048;
  start(echo_handler(), options);
  CURL* curl = curl_easy_init();
  std::string header = "X-Big: " + std::string(8192, 'h');
  curl_slist* headers = curl_slist_append(nullptr, header.c_str());
  auto r = perform(curl, url("/"), nullptr, headers);
  EXPECT_EQ(r.status, 431);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
}

TEST_F(ServerTest, HandlerExceptionBecomes500) {
  start([](request&) -> net::awaitable<response> {
    throw std::runtime_error("boom");
    co_return response::text(200, "unreachable");
  });
  CURL* curl = curl_easy_init();
  auto r = perform(curl, url("/"));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("internal"), std::string::npos);
  // The server is still serving.
  EXPECT_EQ(perform(curl, url("/")).status, 500);
  curl_easy_cleanup(curl);
}

TEST_F(ServerTest, StreamsChunkedBodies) {
  start([](request&) -> net::awaitable<response> {
    response r;
    r.headers.emplace_back("Content-Type", "application/json");
    r.stream = [](stream_writer& w) -> net::awaitable<void> {
      for (int i = 0; i < 3; ++i) {
        if (!co_await w.write("{\"n\":" + std::to_string(i) + "}\n")) co_return;
      }
    };
    co_return r;
  });
  CURL* curl = curl_easy_init();
  auto r = perform(curl, url("/watch"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
  // The connection survives a finished stream.
  auto again = perform(curl, url("/watch"));
  EXPECT_EQ(again.new_connections, 0);
  curl_easy_cleanup(curl);
}

TEST_F(ServerTest, GracefulStopDrainsInFlightRequests) {
  std::promise<void> entered;
  auto entered_future = entered.get_future();
  start([&entered](request&) -> net::awaitable<response> {
    entered.set_value();
    // Work that is still running when the stop arrives.
    net::steady_timer work(co_await net::this_coro::executor, 300ms);
    co_await work.async_wait(net::use_awaitable);
    co_return response::text(200, "finished");
  });
  const auto target = url("/slow");
  auto in_flight = std::async(std::launch::async, [target] {
    CURL* curl = curl_easy_init();
    auto r = perform(curl, target);
    curl_easy_cleanup(curl);
    return r;
  });
  ASSERT_EQ(entered_future.wait_for(10s), std::future_status::ready);
  server_->stop(5s);
  auto r = in_flight.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "finished");
  thread_.join();  // the io_context ran out of work: everything drained
  CURL* curl = curl_easy_init();
  EXPECT_NE(perform(curl, target).code, CURLE_OK) << "no new connections after stop";
  curl_easy_cleanup(curl);
}

TEST_F(ServerTest, ClosesSlowlorisConnections) {
  server_options options;
  options.header_timeout = 1s;
  start(echo_handler(), options);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server_->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const char partial[] = "GET / HTTP/1.1\r\nHost: x\r\n";
  ASSERT_GT(::send(fd, partial, sizeof partial - 1, 0), 0);
  timeval tv{10, 0};  // upper bound for the test only; the server must close after ~1 s
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const auto started = std::chrono::steady_clock::now();
  char buf[64];
  const auto n = ::recv(fd, buf, sizeof buf, 0);
  EXPECT_EQ(n, 0) << "server should close the connection";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  ::close(fd);
}

TEST_F(ServerTest, RefusesConnectionsBeyondTheCap) {
  server_options options;
  options.max_connections = 1;
  start(echo_handler(), options);
  CURL* first = curl_easy_init();
  ASSERT_EQ(perform(first, url("/")).status, 200);  // holds the only slot (keep-alive)
  CURL* second = curl_easy_init();
  EXPECT_NE(perform(second, url("/")).code, CURLE_OK);
  curl_easy_cleanup(first);
  curl_easy_cleanup(second);
}

// --- TLS -------------------------------------------------------------------------------------------

class TlsFiles {
 public:
  TlsFiles() : dir_(std::filesystem::temp_directory_path() / ("devenv-tls-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  ~TlsFiles() { std::filesystem::remove_all(dir_); }
  // A self-signed certificate for 127.0.0.1, written with the openssl CLI (an independent implementation).
  void issue(const std::string& name) {
    const auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=" + name +
                     " -addext subjectAltName=IP:127.0.0.1 -keyout " + (dir_ / (name + ".key")).string() +
                     " -out " + (dir_ / (name + ".crt")).string() + " 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  void activate(const std::string& name) {
    // Install the new pair under the served names, as cert-manager does.
    std::filesystem::copy_file(dir_ / (name + ".key"), dir_ / "tls.key",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(dir_ / (name + ".crt"), dir_ / "tls.crt",
                               std::filesystem::copy_options::overwrite_existing);
    // Make the change visible even within one file-system timestamp tick.
    const auto t = std::filesystem::file_time_type::clock::now() + std::chrono::seconds(++generation_);
    std::filesystem::last_write_time(dir_ / "tls.crt", t);
    std::filesystem::last_write_time(dir_ / "tls.key", t);
  }
  std::filesystem::path path(const std::string& file) const { return dir_ / file; }

 private:
  std::filesystem::path dir_;
  int generation_ = 0;
};

long tls_status(const std::string& url, const std::filesystem::path& ca) {
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);  // the CN differs per issue; trust is pinned by CAINFO
  auto r = perform(curl, url);
  curl_easy_cleanup(curl);
  return r.code == CURLE_OK ? r.status : -static_cast<long>(r.code);
}

TEST_F(ServerTest, ServesTlsAndReloadsRotatedCertificates) {
  TlsFiles files;
  files.issue("first");
  files.issue("second");
  files.activate("first");
  auto tls = tls_context::from_files(files.path("tls.crt"), files.path("tls.key"));
  ASSERT_TRUE(tls.has_value()) << tls.error().message;
  server_options options;
  options.tls = *tls;
  start(echo_handler(), options);

  EXPECT_EQ(tls_status(url("/", "https"), files.path("first.crt")), 200);
  EXPECT_LT(tls_status(url("/", "https"), files.path("second.crt")), 0) << "second CA must not verify yet";

  files.activate("second");
  EXPECT_EQ(tls_status(url("/", "https"), files.path("second.crt")), 200) << "rotation was not picked up";
  EXPECT_LT(tls_status(url("/", "https"), files.path("first.crt")), 0);
}

TEST(TlsContext, ReportsMissingOrMismatchedFiles) {
  TlsFiles files;
  files.issue("a");
  files.issue("b");
  auto missing = tls_context::from_files(files.path("nope.crt"), files.path("a.key"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("nope.crt"), std::string::npos);
  auto mismatched = tls_context::from_files(files.path("a.crt"), files.path("b.key"));
  ASSERT_FALSE(mismatched.has_value());
  EXPECT_NE(mismatched.error().message.find("b.key"), std::string::npos) << mismatched.error().message;
}

TEST(PercentDecode, DecodesAndKeepsInvalidEscapes) {
  EXPECT_EQ(percent_decode("a%2Fb%zz%4", false), "a/b%zz%4");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  auto q = parse_query("a=1&a=2&&b=&c");
  EXPECT_EQ(q.count("a"), 2u);
  EXPECT_EQ(q.find("b")->second, "");
  EXPECT_EQ(q.count("c"), 1u);
}

}  // namespace
}  // namespace devenv::http
