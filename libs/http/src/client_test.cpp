// CurlHttpClient against the in-process HttpServer (and a raw counting server for connection reuse).
#include "osprey/http/client.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <set>
#include <vector>

#include "test_support.hpp"

namespace osprey::http {
namespace {

using namespace testing;

// Answers every request with 200 "ok" and counts the TCP connections it accepted.
class CountingServer {
 public:
  CountingServer() {
    listener_ = ListenOnLoopback(16, port_);
    thread_ = std::thread([this] { Loop(); });
  }
  ~CountingServer() {
    stop_ = true;
    thread_.join();
    for (const auto& [fd, pending] : clients_) ::close(fd);
    ::close(listener_);
  }
  std::uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  void Loop() {
    while (!stop_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (const auto& [fd, pending] : clients_) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        clients_[::accept(listener_, nullptr, nullptr)] = "";
        ++accepted_;
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents != 0) Serve(fds[i].fd);
      }
    }
  }
  void Serve(int fd) {
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      ::close(fd);
      clients_.erase(fd);
      return;
    }
    std::string& pending = clients_[fd];
    pending.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t end; (end = pending.find("\r\n\r\n")) != std::string::npos; pending.erase(0, end + 4)) {
      static constexpr std::string_view kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      (void)!::send(fd, kOk.data(), kOk.size(), MSG_NOSIGNAL);
    }
  }

  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::map<int, std::string> clients_;  // loop thread only
  std::thread thread_;
};

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.status.ok()); }
  nlohmann::json EchoOf(const Result<ClientResponse>& response) {
    EXPECT_TRUE(response.ok()) << response.error().ToString();
    return response.ok() ? nlohmann::json::parse(response->body) : nlohmann::json();
  }
  TestServer server_;
  std::unique_ptr<HttpClient> client_ = MakeCurlHttpClient();
};

TEST_F(ClientTest, SendsHeadersAndBodyAndReadsTheResponse) {
  ClientRequest request;
  request.method = "POST";
  request.url = server_.Url("/echo?a=1");
  request.headers.Add("Content-Type", "application/json");
  request.headers.Add("access-token", "tok");
  request.body = R"({"to":["+49"]})";
  const auto response = client_->Send(request);
  const auto echo = EchoOf(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->headers.Get("content-type"), "application/json");
  EXPECT_EQ(response->headers.Get("Server"), "Osprey");
  EXPECT_EQ(response->effective_url, request.url);
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["body"], request.body);
  EXPECT_EQ(echo["headers"]["access-token"], "tok");
  EXPECT_FALSE(echo["headers"].contains("expect"));
}

TEST_F(ClientTest, AddsNoContentTypeOfItsOwn) {
  ClientRequest request;
  request.method = "POST";
  request.url = server_.Url("/echo");
  request.body = "raw";
  const auto echo = EchoOf(client_->Send(request));
  EXPECT_FALSE(echo["headers"].contains("content-type"));
  EXPECT_EQ(echo["headers"]["user-agent"], "Osprey");
}

TEST_F(ClientTest, ErrorStatusIsAValue) {
  ClientRequest request;
  request.url = server_.Url("/missing");
  const auto response = client_->Send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 404);
}

TEST_F(ClientTest, BasicAuth) {
  ClientRequest request;
  request.url = server_.Url("/echo");
  request.basic_auth_user = "user";
  request.basic_auth_password = "pass";
  EXPECT_EQ(EchoOf(client_->Send(request))["headers"]["authorization"], "Basic dXNlcjpwYXNz");
}

TEST_F(ClientTest, RedirectsTurnPostIntoGetExcept307And308) {
  struct Case {
    int code;
    const char* method;
    const char* body;
  };
  for (const Case c : {Case{301, "GET", ""}, Case{302, "GET", ""}, Case{303, "GET", ""},
                       Case{307, "POST", "b=1"}, Case{308, "POST", "b=1"}}) {
    ClientRequest request;
    request.method = "POST";
    request.url = server_.Url("/redirect/" + std::to_string(c.code));
    request.body = "b=1";
    const auto response = client_->Send(request);
    const auto echo = EchoOf(response);
    EXPECT_EQ(echo["method"], c.method) << c.code;
    EXPECT_EQ(echo["body"], c.body) << c.code;
    EXPECT_EQ(response->effective_url, server_.Url("/echo")) << c.code;
  }
}

TEST_F(ClientTest, RedirectToAnotherHostDropsCredentials) {
  ClientRequest request;
  request.url = server_.Url("/redirect/307?to=http://localhost:" + std::to_string(server_.port) + "/echo");
  request.basic_auth_user = "user";
  request.basic_auth_password = "pass";
  const auto echo = EchoOf(client_->Send(request));
  EXPECT_EQ(echo["path"], "/echo");
  EXPECT_FALSE(echo["headers"].contains("authorization"));
}

TEST_F(ClientTest, RedirectsNotFollowedWhenDisabled) {
  ClientRequest request;
  request.url = server_.Url("/redirect/302");
  request.follow_redirects = false;
  const auto response = client_->Send(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 302);
  EXPECT_EQ(response->headers.Get("location"), "/echo");
}

TEST_F(ClientTest, SlowServerIsATimeout) {
  server_.service.slow_delay = 500ms;
  ClientRequest request;
  request.url = server_.Url("/slow");
  request.connect_timeout = 100ms;  // the whole exchange may take connect_timeout + timeout
  request.timeout = 100ms;
  const auto start = std::chrono::steady_clock::now();
  const auto response = client_->Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 450ms);
}

TEST_F(ClientTest, RefusedConnectionIsUnavailableAndHidesThePassword) {
  const std::uint16_t port = server_.port;
  server_.server.Stop();  // nothing listens on `port` any more
  ClientRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/echo?pin=1234";
  request.basic_auth_user = "user";
  request.basic_auth_password = "hunter2";
  const auto response = client_->Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(response.error().message().find("hunter2"), std::string::npos);
  EXPECT_EQ(response.error().message().find("1234"), std::string::npos);
}

TEST_F(ClientTest, MalformedUrlIsInvalidArgument) {
  for (const char* url : {"not a url", "ftp://127.0.0.1/x", "http://[::1/"}) {
    ClientRequest request;
    request.url = url;
    const auto response = client_->Send(request);
    ASSERT_FALSE(response.ok()) << url;
    EXPECT_EQ(response.error().code(), ErrorCode::kInvalidArgument)
        << url << ": " << response.error().message();
  }
}

TEST_F(ClientTest, UsesTheConfiguredProxy) {
  ClientRequest request;
  request.url = "http://gateway.invalid/echo?x=1";
  request.http_proxy = server_.Url("");  // our server sees the absolute-form target a proxy would get
  const auto echo = EchoOf(client_->Send(request));
  EXPECT_EQ(echo["path"], "/echo");
  EXPECT_EQ(echo["raw_query"], "x=1");
}

TEST_F(ClientTest, IgnoresEnvironmentProxies) {
  ::setenv("http_proxy", "http://127.0.0.1:1", 1);
  ClientRequest request;
  request.url = server_.Url("/hello");
  const auto response = client_->Send(request);
  ::unsetenv("http_proxy");
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->body, "hello");
}

TEST(ClientReuseTest, ReusesTheConnection) {
  CountingServer server;
  auto client = MakeCurlHttpClient();
  for (int i = 0; i < 3; ++i) {
    ClientRequest request;
    request.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/x";
    const auto response = client->Send(request);
    ASSERT_TRUE(response.ok()) << response.error().ToString();
    EXPECT_EQ(response->body, "ok");
  }
  EXPECT_EQ(server.accepted(), 1);
}

}  // namespace
}  // namespace osprey::http
