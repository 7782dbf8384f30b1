// The pty transport (modems-and-sms.md §3 item 1): a real pty pair, a client opening the slave like libgammu
// does, AT exchanges and a PDU-mode submit through ServeOnce. No network; every read has a deadline.
#include "smsgw/emulator/pty_port.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace osprey::smsgw::emulator {
namespace {

using namespace std::chrono_literals;

// The first spec §2 vector: "Hello via fake AT modem" to +15551234567, AT+CMGS=35.
constexpr std::string_view kPdu =
    "07915155000000F011000B915155214365F70000FF17C8329BFD06D9D3619039BC2E83825450FB4D2EB701";

// A host-side client of the slave, like libgammu: O_RDWR|O_NOCTTY, raw mode, non-blocking reads.
class Client {
 public:
  explicit Client(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) {
    if (fd_ < 0) return;
    termios tio{};
    if (::tcgetattr(fd_, &tio) == 0) {
      ::cfmakeraw(&tio);
      ::tcsetattr(fd_, TCSANOW, &tio);
    }
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client() { Close(); }

  bool ok() const { return fd_ >= 0; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool Write(std::string_view bytes) {
    return ::write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  }
  // Reads whatever is available now (no waiting).
  std::string ReadAvailable() {
    std::string out;
    std::array<char, 1024> buffer{};
    for (;;) {
      const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
      if (n <= 0) break;
      out.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  int fd_ = -1;
};

class PtyPortTest : public ::testing::Test {
 protected:
  PtyPortTest() : modem_(ModemConfig{}, clock_) {
    modem_.SetSubmitCallback([this](const SubmitRecord& r) { submits_.push_back(r); });
  }
  void SetUp() override {
    auto port = PtyPort::Open();
    ASSERT_TRUE(port.ok()) << port.error().ToString();
    port_.emplace(std::move(port).value());
  }
  PtyPort& port() { return *port_; }

  // Serves the modem until the client has received something ending in `suffix` or 1 s passed; returns all
  // the client received.
  std::string Exchange(Client& client, std::string_view suffix) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + 1s;
    while (std::chrono::steady_clock::now() < deadline) {
      const Status s = ServeOnce(port(), modem_, 5ms);
      EXPECT_TRUE(s.ok()) << s.error().ToString();
      got += client.ReadAvailable();
      if (got.size() >= suffix.size() &&
          got.compare(got.size() - suffix.size(), suffix.size(), suffix) == 0) {
        break;
      }
    }
    return got;
  }

  FakeClock clock_{Clock::TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 11 / 29) + 9h)};
  AtModem modem_;
  std::vector<SubmitRecord> submits_;
  std::optional<PtyPort> port_;  // opened in SetUp (PtyPort has no default state)
};

TEST_F(PtyPortTest, SlavePathIsADevPtsPath) {
  EXPECT_EQ(port().slave_path().rfind("/dev/pts/", 0), 0u) << port().slave_path();
  EXPECT_GE(port().master_fd(), 0);
  EXPECT_NE(::fcntl(port().master_fd(), F_GETFL) & O_NONBLOCK, 0);
}

TEST_F(PtyPortTest, ServeOnceWithoutClientIsNothingToDo) {
  const auto start = std::chrono::steady_clock::now();
  const Status s = ServeOnce(port(), modem_, 10ms);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
}

TEST_F(PtyPortTest, AnswersAtWithEchoAndOk) {
  Client client(port().slave_path());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.Write("AT\r"));
  EXPECT_EQ(Exchange(client, "OK\r\n"), "AT\r\r\nOK\r\n");
}

TEST_F(PtyPortTest, SubmitsSpecVectorInPduMode) {
  Client client(port().slave_path());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.Write("AT+CMGS=35\r"));
  EXPECT_EQ(Exchange(client, "\r\n> "), "AT+CMGS=35\r\r\n> ");
  ASSERT_TRUE(client.Write(std::string(kPdu) + "\x1a"));
  EXPECT_EQ(Exchange(client, "OK\r\n"), std::string(kPdu) + "\r\n+CMGS: 1\r\n\r\nOK\r\n");
  ASSERT_EQ(submits_.size(), 1u);
  EXPECT_EQ(submits_[0].destination, "+15551234567");
  EXPECT_EQ(submits_[0].text, "Hello via fake AT modem");
  EXPECT_TRUE(submits_[0].length_matches);
}

TEST_F(PtyPortTest, HandlesByteByByteWritesLikeLibgammu) {
  Client client(port().slave_path());
  ASSERT_TRUE(client.ok());
  for (const char byte : std::string_view("AT+CGMI\r")) {
    ASSERT_TRUE(client.Write(std::string_view(&byte, 1)));
    const Status s = ServeOnce(port(), modem_, 5ms);  // replies stay in the tty buffer until read below
    ASSERT_TRUE(s.ok()) << s.error().ToString();
  }
  const std::string got = Exchange(client, "OK\r\n");
  EXPECT_EQ(got, "AT+CGMI\r\r\nOsprey\r\n\r\nOK\r\n");
}

TEST_F(PtyPortTest, WritesUnsolicitedOutputFromTick) {
  Client client(port().slave_path());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.Write("AT+CNMI=2,1,0,2,0\r"));
  EXPECT_EQ(Exchange(client, "OK\r\n"), "AT+CNMI=2,1,0,2,0\r\r\nOK\r\n");
  ASSERT_TRUE(modem_.Inject("+15551234567", "Hi").ok());
  EXPECT_EQ(Exchange(client, "\r\n+CMTI: \"SM\",1\r\n"), "\r\n+CMTI: \"SM\",1\r\n");  // nothing read: Tick
}

TEST_F(PtyPortTest, SurvivesClientGoingAway) {
  {
    Client first(port().slave_path());
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(first.Write("ATE0\r"));
    EXPECT_EQ(Exchange(first, "OK\r\n"), "ATE0\r\r\nOK\r\n");
  }
  // No client now: serving is still quiet and successful (the port's own slave fd prevents hang-up).
  const Status idle = ServeOnce(port(), modem_, 5ms);
  EXPECT_TRUE(idle.ok()) << idle.error().ToString();

  Client second(port().slave_path());
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(second.Write("AT\r"));
  EXPECT_EQ(Exchange(second, "OK\r\n"), "\r\nOK\r\n");  // echo stays off: same modem, new session
}

TEST_F(PtyPortTest, MoveTransfersOwnership) {
  const int fd = port().master_fd();
  const std::string path = port().slave_path();
  PtyPort moved(std::move(port()));
  EXPECT_EQ(moved.master_fd(), fd);
  EXPECT_EQ(moved.slave_path(), path);
  EXPECT_EQ(port().master_fd(), -1);  // NOLINT(bugprone-use-after-move)
  Client client(moved.slave_path());
  ASSERT_TRUE(client.ok());
}

}  // namespace
}  // namespace osprey::smsgw::emulator
