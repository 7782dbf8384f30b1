// CurlSmtpClient against a fake SMTP server on 127.0.0.1 that plays the plain dialogue once.
#include "osprey/http/smtp_client.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.hpp"

namespace osprey::http {
namespace {

// Accepts one connection, answers 220 / EHLO 250 / MAIL 250 / RCPT 250 / DATA 354 / "." 250 / QUIT 221 and
// records the command lines and the message data as received (still dot-stuffed).
class FakeSmtpServer {
 public:
  FakeSmtpServer() {
    listener_ = testing::ListenOnLoopback(1, port_);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeSmtpServer() {
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
  }
  std::uint16_t port() const { return port_; }
  // Valid once the client is done (after Send returned); joins the server thread.
  const std::vector<std::string>& commands() {
    if (thread_.joinable()) thread_.join();
    return commands_;
  }
  const std::string& data() {
    if (thread_.joinable()) thread_.join();
    return data_;
  }

 private:
  // The next CRLF-terminated line, or "" when the client went away or stayed silent for 5 s.
  std::string ReadLine(int fd) {
    while (buffer_.find("\r\n") == std::string::npos) {
      pollfd p{fd, POLLIN, 0};
      char chunk[1024];
      if (::poll(&p, 1, 5000) <= 0) return "";
      const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
      if (n <= 0) return "";
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    const std::size_t end = buffer_.find("\r\n");
    std::string line = buffer_.substr(0, end);
    buffer_.erase(0, end + 2);
    return line;
  }
  static void Reply(int fd, const std::string& text) {
    const std::string line = text + "\r\n";
    (void)!::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
  }
  void Serve() {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) return;
    const int fd = ::accept(listener_, nullptr, nullptr);
    Reply(fd, "220 fake.test ESMTP");
    for (std::string line = ReadLine(fd); !line.empty(); line = ReadLine(fd)) {
      commands_.push_back(line);
      if (line.starts_with("EHLO")) Reply(fd, "250 fake.test");
      if (line.starts_with("MAIL FROM:") || line.starts_with("RCPT TO:")) Reply(fd, "250 OK");
      if (line == "DATA") {
        Reply(fd, "354 go ahead");
        for (std::string d = ReadLine(fd); d != "."; d = ReadLine(fd)) data_ += d + "\r\n";
        Reply(fd, "250 queued");
      }
      if (line == "QUIT") {
        Reply(fd, "221 bye");
        break;
      }
    }
    ::close(fd);
  }

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::string buffer_;
  std::vector<std::string> commands_;
  std::string data_;
};

TEST(CurlSmtpClientTest, DeliversTheMessageThroughThePlainDialogue) {
  FakeSmtpServer server;
  SmtpMessage m;
  m.server_url = "smtp://127.0.0.1:" + std::to_string(server.port());
  m.from = "otp@example.test";
  m.recipients = {"+4915112345678@sms.example.test", "audit@example.test"};
  m.message = "Subject: +4915112345678\r\nFrom: otp@example.test\r\n\r\nYour OTP: 287082\r\n.hidden line\r\n";
  m.timeout = std::chrono::seconds(5);
  const Status sent = MakeCurlSmtpClient()->Send(m);
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
  const std::vector<std::string> expected{"MAIL FROM:<otp@example.test>",
                                          "RCPT TO:<+4915112345678@sms.example.test>",
                                          "RCPT TO:<audit@example.test>", "DATA", "QUIT"};
  std::vector<std::string> commands = server.commands();
  ASSERT_FALSE(commands.empty());
  EXPECT_TRUE(commands.front().starts_with("EHLO ")) << commands.front();
  commands.erase(commands.begin());
  EXPECT_EQ(commands, expected);
  // A line starting with "." travels dot-stuffed; the server's unstuffing gives the message back.
  EXPECT_EQ(server.data(),
            "Subject: +4915112345678\r\nFrom: otp@example.test\r\n\r\nYour OTP: 287082\r\n..hidden line\r\n");
}

}  // namespace
}  // namespace osprey::http
