// The emulator program loop (emulator_runner.hpp): pty and stdio transports, the record file, the traffic
// log, latency through the tick timer, and the ways Run ends. Real pty / socketpair / AF_UNIX in a temp dir;
// every wait has a deadline.
#include "smsgw/emulator/emulator_runner.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "smsgw/emulator/control.hpp"

namespace osprey::smsgw::emulator {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr std::string_view kPdu =
    "07915155000000F011000B915155214365F70000FF17C8329BFD06D9D3619039BC2E83825450FB4D2EB701";

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Reads from `fd` until `needle` shows up or `timeout` passes; returns everything read.
std::string ReadUntil(int fd, std::string_view needle, std::chrono::milliseconds timeout = 5s) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.find(needle) == std::string::npos) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[1024];
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

bool WriteString(int fd, std::string_view bytes) {
  return ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
}

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "osprey-run.XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    options_.record_path = dir_ + "/record.jsonl";
    options_.log_path = dir_ + "/traffic.log";
    options_.control_path = dir_ + "/control.sock";
  }
  void Start() {
    Result<std::unique_ptr<EmulatorRunner>> runner = EmulatorRunner::Create(options_, clock_);
    ASSERT_TRUE(runner.ok()) << runner.error().message();
    runner_ = std::move(*runner);
    thread_ = std::thread([this] { run_status_ = runner_->Run(); });
  }
  void TearDown() override {
    if (runner_) runner_->RequestStop();
    if (thread_.joinable()) thread_.join();
    runner_.reset();
    if (client_ >= 0) ::close(client_);
    std::filesystem::remove_all(dir_);
  }
  void OpenPtyClient() {
    client_ = ::open(runner_->device_path().c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    ASSERT_GE(client_, 0);
  }
  Result<json> Control(const json& request) { return EmulatorControl(options_.control_path, request); }

  SystemClock clock_;
  std::string dir_;
  RunnerOptions options_;
  std::unique_ptr<EmulatorRunner> runner_;
  std::thread thread_;
  Status run_status_ = Error(ErrorCode::kInternal, "not run");
  int client_ = -1;
};

TEST_F(RunnerTest, PtySubmitIsRecordedAndLogged) {
  Start();
  ASSERT_EQ(runner_->device_path().rfind("/dev/pts/", 0), 0u) << runner_->device_path();
  OpenPtyClient();
  ASSERT_TRUE(WriteString(client_, "ATE0\r"));
  EXPECT_NE(ReadUntil(client_, "OK\r\n").find("OK"), std::string::npos);
  ASSERT_TRUE(WriteString(client_, "AT+CMGS=35\r"));
  EXPECT_NE(ReadUntil(client_, "> ").find("> "), std::string::npos);
  ASSERT_TRUE(WriteString(client_, std::string(kPdu) + "\x1a"));
  EXPECT_NE(ReadUntil(client_, "OK\r\n").find("+CMGS: 1\r\n"), std::string::npos);
  // The record line is written before the next control request is answered.
  Result<json> stats = Control({{"command", "stats"}});
  ASSERT_TRUE(stats.ok()) << stats.error().message();
  EXPECT_EQ((*stats)["submits_accepted"], 1);
  EXPECT_EQ((*stats)["messages"], 1);
  std::string record = Slurp(options_.record_path);
  ASSERT_FALSE(record.empty());
  EXPECT_EQ(record.back(), '\n');
  json line = json::parse(record);
  EXPECT_EQ(line["number"], "+15551234567");
  EXPECT_EQ(line["text"], "Hello via fake AT modem");
  EXPECT_EQ(line["parts"], 1);
  EXPECT_TRUE(line["class"].is_null());
  EXPECT_EQ(line["validity_minutes"], 63 * 7 * 24 * 60);
  EXPECT_EQ(line["time"].get<std::string>().size(), 24u);
  std::string log = Slurp(options_.log_path);
  EXPECT_NE(log.find(" >> AT+CMGS=35\\r\n"), std::string::npos) << log;
  EXPECT_NE(log.find(" << \\r\\n+CMGS: 1\\r\\n\\r\\nOK\\r\\n\n"), std::string::npos) << log;
  EXPECT_NE(log.find("\"event\":\"submit\""), std::string::npos) << log;
}

TEST_F(RunnerTest, DeliverRaisesCmtiOnThePty) {
  Start();
  OpenPtyClient();
  ASSERT_TRUE(WriteString(client_, "AT+CNMI=2,1,0,2,0\r"));
  ReadUntil(client_, "OK\r\n");
  ASSERT_TRUE(Control({{"command", "deliver"}, {"from", "+4915112345678"}, {"text", "Ping"}}).ok());
  EXPECT_NE(ReadUntil(client_, "+CMTI: \"SM\",1").find("+CMTI: \"SM\",1"), std::string::npos);
}

TEST_F(RunnerTest, LatencyDelaysTheSubmitAnswer) {
  Start();
  OpenPtyClient();
  ASSERT_TRUE(Control({{"command", "latency"}, {"ms", 300}}).ok());
  ASSERT_TRUE(WriteString(client_, "ATE0\r"));
  ReadUntil(client_, "OK\r\n");
  ASSERT_TRUE(WriteString(client_, "AT+CMGS=35\r"));
  ReadUntil(client_, "> ");
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(WriteString(client_, std::string(kPdu) + "\x1a"));
  EXPECT_EQ(ReadUntil(client_, "+CMGS", 200ms), "");
  EXPECT_NE(ReadUntil(client_, "OK\r\n").find("+CMGS: 1"), std::string::npos);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
}

TEST_F(RunnerTest, CloseDropsTheLine) {
  Start();
  OpenPtyClient();
  ASSERT_TRUE(Control({{"command", "close"}}).ok());
  thread_.join();
  EXPECT_TRUE(run_status_.ok());
  char byte;
  pollfd pfd{client_, POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 2000), 1);
  EXPECT_NE(pfd.revents & (POLLHUP | POLLERR), 0);
  EXPECT_LE(::read(client_, &byte, 1), 0);
}

TEST_F(RunnerTest, StdioServesUntilEndOfInput) {
  int pair[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
  client_ = pair[0];
  options_.stdio = true;
  options_.stdio_in = pair[1];
  options_.stdio_out = pair[1];
  Start();
  EXPECT_EQ(runner_->device_path(), "");
  ASSERT_TRUE(WriteString(client_, "AT+CGSN\r"));
  EXPECT_NE(ReadUntil(client_, "OK\r\n").find("356938035643809"), std::string::npos);
  ::shutdown(client_, SHUT_WR);
  thread_.join();
  EXPECT_TRUE(run_status_.ok());
  ::close(pair[1]);
}

TEST_F(RunnerTest, RefusesAnExistingNonSocketControlPath) {
  std::ofstream(options_.control_path) << "x";
  Result<std::unique_ptr<EmulatorRunner>> runner = EmulatorRunner::Create(options_, clock_);
  ASSERT_FALSE(runner.ok());
  EXPECT_EQ(runner.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(RunnerTest, ReplacesAStaleSocketFile) {
  // A socket file left behind by a killed emulator: bound, never unlinked, nobody listening.
  int stale = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", options_.control_path.c_str());
  ASSERT_EQ(::bind(stale, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0);
  ::close(stale);
  Start();
  Result<json> stats = Control({{"command", "stats"}});
  EXPECT_TRUE(stats.ok()) << stats.error().message();
}

}  // namespace
}  // namespace osprey::smsgw::emulator
