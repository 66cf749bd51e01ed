// Hostile clients against the real devenv-scaler server (a process on port 0, in front of kube-sim): a
// slowloris dribbling its header, a huge header, huge bodies (declared and chunked), and a thousand idle
// connections. Each is cut off by the server's limits (src/http/server.h: 16 KiB of header, 1 MiB of body,
// 10 s for a header), other clients keep getting answers meanwhile, and the server's memory stays bounded
// (VmRSS from /proc before and after).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace devenv::testing {
namespace {

using steady = std::chrono::steady_clock;

// A blocking TCP client socket to 127.0.0.1:port; closed when it goes.
class raw_client {
 public:
  explicit raw_client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~raw_client() {
    if (fd_ >= 0) ::close(fd_);
  }
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  bool connected() const { return connected_; }
  // False once the peer has closed (or reset) the connection.
  bool send(std::string_view data) {
    while (!data.empty()) {
      const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Everything the server sends until it closes the connection or `wait` passes without data.
  std::string receive(std::chrono::milliseconds wait) {
    std::string out;
    char buffer[8192];
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return out;
      const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        closed_ = true;
        return out;
      }
      out.append(buffer, static_cast<std::size_t>(n));
    }
  }
  // True when the server has closed the connection (reads EOF or a reset) within `wait`.
  bool closed_within(std::chrono::milliseconds wait) {
    const auto deadline = steady::now() + wait;
    while (!closed_ && steady::now() < deadline)
      receive(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()));
    return closed_;
  }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
};

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

class HttpLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<kube_sim_process>(dir_.path(), std::vector<std::string>{"--ready-delay", "0ms"});
    ASSERT_TRUE(sim_->ready()) << sim_->process().log();
    scaler_ = std::make_unique<scaler_process>(
        dir_.path() / "scaler", sim_->kubeconfig(), "admin:admin-token-0123456789",
        std::map<std::string, std::string>{{"DEVENV_RECONCILE", "false"}});
    ASSERT_TRUE(scaler_->ready()) << scaler_->process().log();
  }

  // A well-behaved client is still served promptly.
  void expect_others_served() {
    const auto asked = steady::now();
    raw_client c(scaler_->port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const auto answer = c.receive(std::chrono::seconds(5));
    EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
    EXPECT_LT(steady::now() - asked, std::chrono::seconds(2));
  }

  temp_dir dir_{"devenv-hostile"};
  std::unique_ptr<kube_sim_process> sim_;
  std::unique_ptr<scaler_process> scaler_;
};

TEST_F(HttpLimitsTest, SlowlorisIsCutAtTheHeaderDeadline) {
  raw_client slow(scaler_->port());
  ASSERT_TRUE(slow.connected());
  const auto started = steady::now();
  // One header byte every 200 ms, never finishing: the 10 s header deadline must end it, and in the
  // meantime other clients are served.
  const std::string header = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(1000, 'a');
  bool cut = false;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (!slow.send(header.substr(i, 1)) || slow.closed_within(std::chrono::milliseconds(200))) {
      cut = true;
      break;
    }
    if (i % 10 == 0) expect_others_served();
  }
  const auto lasted = steady::now() - started;
  EXPECT_TRUE(cut) << "the dribbling client was never cut off";
  EXPECT_GE(lasted, std::chrono::seconds(9));
  EXPECT_LE(lasted, std::chrono::seconds(15));
}

TEST_F(HttpLimitsTest, HugeHeaderGets431) {
  raw_client c(scaler_->port());
  ASSERT_TRUE(c.connected());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 << 10, 'a') + "\r\n\r\n");
  const auto answer = c.receive(std::chrono::seconds(5));
  EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer.substr(0, 200);
  EXPECT_TRUE(c.closed_within(std::chrono::seconds(5)));
  expect_others_served();
}

TEST_F(HttpLimitsTest, HugeBodiesGet413WithoutBeingRead) {
  const long before = rss_kib(scaler_->process().pid());
  {
    // Declared: 1 GiB announced, refused before a byte of it is read.
    raw_client c(scaler_->port());
    ASSERT_TRUE(c.connected());
    c.send(
        "POST /api/v1/environments/x/stop HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 1073741824\r\n\r\n");
    const auto answer = c.receive(std::chrono::seconds(5));
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 200);
  }
  {
    // Chunked: no length announced; the server answers 413 once 1 MiB has arrived, then discards what is
    // still coming for at most 1 s or 64 MiB (the "lingering close" in src/http/server.cc, so the client
    // can read the answer) and closes. A client that never stops sending is cut off.
    raw_client c(scaler_->port());
    ASSERT_TRUE(c.connected());
    c.send("POST /api/v1/environments/x/stop HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
    std::size_t sent = 0;
    const auto started = steady::now();
    while (sent < (512u << 20) && c.send(chunk)) sent += 0x10000;
    EXPECT_LT(steady::now() - started, std::chrono::seconds(5));
    const auto answer = c.receive(std::chrono::seconds(5));
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 200);
    // 1 MiB read + at most 64 MiB discarded + what the kernel buffers on both sides.
    EXPECT_LT(sent, 80u << 20) << "the server kept reading a body far beyond its limit";
  }
  expect_others_served();
  const long after = rss_kib(scaler_->process().pid());
  EXPECT_LT(after - before, 32 * 1024) << "VmRSS " << before << " KiB -> " << after << " KiB";
}

TEST_F(HttpLimitsTest, ThousandIdleConnectionsAreBoundedAndClosed) {
  const long before = rss_kib(scaler_->process().pid());
  std::vector<std::unique_ptr<raw_client>> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(std::make_unique<raw_client>(scaler_->port()));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  expect_others_served();
  const long during = rss_kib(scaler_->process().pid());
  // Each idle connection holds a small buffer and a coroutine frame: well under 16 KiB apiece.
  EXPECT_LT(during - before, 16 * 1000) << "VmRSS " << before << " KiB -> " << during << " KiB";
  // None of them sent a header: each is closed at the 10 s header deadline.
  for (auto& c : idle) EXPECT_TRUE(c->closed_within(std::chrono::seconds(20)));
  expect_others_served();
  std::printf("VmRSS before %ld KiB, with 1000 idle connections %ld KiB, after %ld KiB\n", before, during,
              rss_kib(scaler_->process().pid()));
}

}  // namespace
}  // namespace devenv::testing
