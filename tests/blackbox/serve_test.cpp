// `osprey serve` over real sockets, once per database engine.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "osprey/http/client.hpp"
#include "tests/blackbox/harness.hpp"

namespace osprey::blackbox {
namespace {

using namespace std::chrono_literals;

// Parameter: "sqlite" or "postgresql".
class ServeTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::map<std::string, std::string> env;
    if (GetParam() == "postgresql") {
      const char* url = std::getenv("OSPREY_TEST_POSTGRES_URL");
      if (url == nullptr || *url == '\0') {
        GTEST_SKIP() << "OSPREY_TEST_POSTGRES_URL not set (scripts/test.sh starts a throwaway PostgreSQL)";
      }
      env["OSPREY_DATABASE_URL"] = url;
    }
    dir_ = MakeTempDir();
    auto init = RunOsprey({"init", "--dir", dir_ + "/data"});
    ASSERT_EQ(init.exit_code, 0) << init.output;
    mfa_port_ = FreePort();
    gw_port_ = FreePort();
    env["OSPREY_MFA_LISTEN"] = "127.0.0.1:" + std::to_string(mfa_port_);
    env["OSPREY_GATEWAY_LISTEN"] = "127.0.0.1:" + std::to_string(gw_port_);
    env["OSPREY_HTTP_SHUTDOWN_GRACE_MS"] = "2000";
    log_ = dir_ + "/serve.log";
    proc_ = std::make_unique<OspreyProcess>(
        std::vector<std::string>{"serve", "--config", dir_ + "/data/osprey.toml"}, env, log_);
    ASSERT_TRUE(WaitHealthy(mfa_port_, 20s)) << ReadFile(log_);
    ASSERT_TRUE(WaitHealthy(gw_port_, 5s)) << ReadFile(log_);
  }
  void TearDown() override {
    proc_.reset();
    if (!dir_.empty()) RemoveTree(dir_);
  }

  http::ClientResponse Send(std::uint16_t port, const std::string& method, const std::string& path,
                            const std::string& body = "", const std::string& content_type = "") {
    http::ClientRequest req;
    req.method = method;
    req.url = "http://127.0.0.1:" + std::to_string(port) + path;
    req.body = body;
    if (!content_type.empty()) req.headers.Add("Content-Type", content_type);
    auto r = client_->Send(req);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
    return r.ok() ? *r : http::ClientResponse{};
  }

  std::string dir_;
  std::string log_;
  std::uint16_t mfa_port_ = 0;
  std::uint16_t gw_port_ = 0;
  std::unique_ptr<OspreyProcess> proc_;
  std::unique_ptr<http::HttpClient> client_ = http::MakeCurlHttpClient();
};

TEST_P(ServeTest, HealthzAnswers200OnBothServices) {
  EXPECT_EQ(Send(mfa_port_, "GET", "/healthz").status, 200);
  auto gw = Send(gw_port_, "GET", "/healthz");
  EXPECT_EQ(gw.status, 200);
  EXPECT_EQ(nlohmann::json::parse(gw.body)["message"], "ok");
}

TEST_P(ServeTest, TenMegabyteBodyGets413) {
  std::string body(10 * 1024 * 1024, 'x');
  std::string raw =
      "POST /validate/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string reply = RawExchange(mfa_port_, raw);
  ASSERT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply.substr(0, 200);
  auto json = nlohmann::json::parse(reply.substr(reply.find("\r\n\r\n") + 4));
  EXPECT_EQ(json["result"]["status"], false);
  EXPECT_EQ(json["result"]["error"]["code"], 413);
  EXPECT_EQ(Send(mfa_port_, "GET", "/healthz").status, 200) << "server must keep serving";
}

TEST_P(ServeTest, MalformedJsonGets400InPrivacyIdeaFormat) {
  auto r = Send(mfa_port_, "POST", "/validate/check", "{\"user\": \"alice\", ", "application/json");
  EXPECT_EQ(r.status, 400);
  auto json = nlohmann::json::parse(r.body);
  EXPECT_EQ(json["jsonrpc"], "2.0");
  EXPECT_EQ(json["id"], 1);
  EXPECT_TRUE(json["detail"].is_null());
  EXPECT_EQ(json["result"]["status"], false);
  EXPECT_EQ(json["result"]["error"]["code"], 905);
  EXPECT_EQ(json["result"]["error"]["message"].get<std::string>().rfind("ERR905: ", 0), 0u);
  EXPECT_TRUE(json["time"].is_number_float());
  EXPECT_FALSE(json.contains("versionnumber"));
}

TEST_P(ServeTest, MalformedJsonGets400InSmsEagleFormat) {
  auto r = Send(gw_port_, "POST", "/api/v2/messages/sms", "[{\"to\":", "application/json");
  EXPECT_EQ(r.status, 400);
  auto json = nlohmann::json::parse(r.body);
  ASSERT_TRUE(json["message"].is_string());
  EXPECT_EQ(json.size(), 1u);
  EXPECT_EQ(Send(gw_port_, "GET", "/healthz").status, 200);
}

TEST_P(ServeTest, TwoHundredIdleConnectionsDoNotBlockANewClient) {
  std::vector<int> idle;
  for (int i = 0; i < 200; ++i) {
    int fd = Connect(mfa_port_);
    ASSERT_GE(fd, 0) << "connection " << i;
    idle.push_back(fd);
  }
  // Half of them start a request and stall mid-headers (slowloris).
  for (std::size_t i = 0; i < idle.size(); i += 2) {
    const char partial[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    ASSERT_GT(send(idle[i], partial, sizeof(partial) - 1, MSG_NOSIGNAL), 0);
  }
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Send(mfa_port_, "GET", "/healthz").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  for (int fd : idle) close(fd);
}

TEST_P(ServeTest, SigtermEndsTheProcessCleanly) {
  proc_->Signal(SIGTERM);
  auto code = proc_->WaitExit(5s);
  ASSERT_TRUE(code.has_value()) << "still running 5 s after SIGTERM";
  EXPECT_EQ(*code, 0) << ReadFile(log_);
  EXPECT_NE(ReadFile(log_).find("stopped"), std::string::npos);
}

TEST_P(ServeTest, AccessLogHasOneLinePerRequestWithoutQuerySecrets) {
  Send(mfa_port_, "GET", "/validate/check?user=alice&pass=topsecret4711");
  proc_->Signal(SIGTERM);
  ASSERT_TRUE(proc_->WaitExit(5s).has_value());
  std::string log = ReadFile(log_);
  EXPECT_EQ(log.find("topsecret4711"), std::string::npos) << log;
  EXPECT_NE(log.find("/validate/check"), std::string::npos) << log;
  EXPECT_NE(log.find("127.0.0.1"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, ServeTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace osprey::blackbox
