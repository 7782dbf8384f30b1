// HttpServer limits, timeouts and shutdown over real loopback sockets.
#include "osprey/http/server.hpp"

#include <gtest/gtest.h>

#include <future>
#include <vector>

#include "test_support.hpp"

namespace osprey::http {
namespace {

using namespace testing;
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

TEST(ServerLimitsTest, BodyOverLimitIs413BeforeTheBodyArrives) {
  TestServer server;  // body_limit 1 MB
  ASSERT_TRUE(server.status.ok());
  RawConnection connection(server.port);
  ASSERT_TRUE(connection.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10485760\r\n\r\n"));
  ASSERT_TRUE(connection.Send(std::string(256 * 1024, 'x')));  // a part of the announced 10 MB, then nothing
  const auto response = connection.ReadResponse(2s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->Json()["error"], "payload_too_large");
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_TRUE(connection.WaitClosed(3s));
}

TEST(ServerLimitsTest, ChunkedBodyOverLimitIs413) {
  ServerOptions options = FastOptions();
  options.body_limit = 1000;
  TestServer server(options);
  ASSERT_TRUE(server.status.ok());
  RawConnection connection(server.port);
  const std::string chunk(1500, 'x');
  ASSERT_TRUE(connection.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5dc\r\n" +
                              chunk + "\r\n0\r\n\r\n"));
  const auto response = connection.ReadResponse(2s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
}

TEST(ServerLimitsTest, BodyWithinLimitIsServed) {
  ServerOptions options = FastOptions();
  options.body_limit = 1000;
  TestServer server(options);
  ASSERT_TRUE(server.status.ok());
  const auto response = RawRequest(
      server.port, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'y'));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST(ServerLimitsTest, HeaderOverLimitIs400) {
  ServerOptions options = FastOptions();
  options.header_limit = 1024;
  TestServer server(options);
  ASSERT_TRUE(server.status.ok());
  const auto response = RawRequest(
      server.port, "GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4000, 'b') + "\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->Json()["detail"], "Request header too large");
}

TEST(ServerLimitsTest, IdleTimeoutClosesASilentKeepAliveConnection) {
  ServerOptions options = FastOptions();
  options.idle_timeout = 200ms;
  TestServer server(options);
  ASSERT_TRUE(server.status.ok());
  RawConnection connection(server.port);
  ASSERT_TRUE(connection.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(connection.ReadResponse());
  const auto start = Clock::now();
  EXPECT_TRUE(connection.WaitClosed(3s));
  EXPECT_GE(Since(start), 150ms);
}

TEST(ServerLimitsTest, HeaderTimeoutClosesSlowloris) {
  ServerOptions options = FastOptions();
  options.header_timeout = 300ms;
  TestServer server(options);
  ASSERT_TRUE(server.status.ok());
  const auto start = Clock::now();
  RawConnection partial(server.port);
  RawConnection silent(server.port);
  ASSERT_TRUE(partial.Send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Slow: "));
  EXPECT_TRUE(partial.WaitClosed(3s));
  EXPECT_TRUE(silent.WaitClosed(3s));
  EXPECT_GE(Since(start), 250ms);
}

TEST(ServerLimitsTest, ManyIdleConnectionsDoNotStallANewClient) {
  ServerOptions options = FastOptions();
  options.io_threads = 1;
  options.worker_threads = 1;
  TestServer server(options);
  ASSERT_TRUE(server.status.ok());
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 200; ++i) idle.push_back(std::make_unique<RawConnection>(server.port));
  ASSERT_TRUE(idle[0]->Send("GET /hello HTTP/1.1\r\nHost: t\r\n"));  // one of them half-way through a request
  const auto start = Clock::now();
  const auto response = RawRequest(server.port, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "hello");
  EXPECT_LT(Since(start), 1000ms);
}

TEST(ServerLimitsTest, ConnectionsBeyondTheCapAreClosed) {
  ServerOptions options = FastOptions();
  options.max_connections = 2;
  TestServer server(options);
  ASSERT_TRUE(server.status.ok());
  auto first = std::make_unique<RawConnection>(server.port);
  ASSERT_TRUE(first->Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(first->ReadResponse());  // both slots are taken once this one has been served
  RawConnection second(server.port);
  ASSERT_TRUE(second.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(second.ReadResponse());
  RawConnection third(server.port);
  EXPECT_TRUE(third.WaitClosed(2s));
  first.reset();  // frees a slot
  std::optional<RawResponse> response;
  for (int attempt = 0; attempt < 50 && !response; ++attempt) {
    std::this_thread::sleep_for(20ms);
    response = RawRequest(server.port, "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  }
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "hello");
}

TEST(ServerStopTest, InFlightRequestCompletes) {
  TestServer server;
  ASSERT_TRUE(server.status.ok());
  server.service.slow_delay = 400ms;
  RawConnection connection(server.port);
  ASSERT_TRUE(connection.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  while (server.service.slow_started.load() == 0) std::this_thread::sleep_for(5ms);
  auto reader = std::async(std::launch::async, [&] { return connection.ReadResponse(5s); });
  const auto start = Clock::now();
  server.server.Stop();
  EXPECT_GE(Since(start), 200ms);  // waited for the handler
  const auto response = reader.get();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "slow done");
  EXPECT_EQ(response->Header("connection"), "close");
  EXPECT_THROW(RawConnection{server.port}, std::runtime_error);  // no longer listening
}

TEST(ServerStopTest, IdleServerStopsFast) {
  TestServer server;
  ASSERT_TRUE(server.status.ok());
  RawConnection keep_alive(server.port);
  ASSERT_TRUE(keep_alive.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(keep_alive.ReadResponse());
  RawConnection silent(server.port);
  std::this_thread::sleep_for(20ms);  // let the server accept `silent`
  const auto start = Clock::now();
  server.server.Stop();
  EXPECT_LT(Since(start), 500ms);
  EXPECT_TRUE(keep_alive.WaitClosed(1s));
  EXPECT_TRUE(silent.WaitClosed(1s));
  server.server.Stop();  // idempotent
  server.server.Wait();
}

// Regression: a Drain() that arrived while a keep-alive response was being written left the connection open
// until the end of the grace period.
TEST(ServerStopTest, StopRightAfterAResponseIsFast) {
  for (int i = 0; i < 20; ++i) {
    TestServer server;
    ASSERT_TRUE(server.status.ok());
    RawConnection connection(server.port);
    ASSERT_TRUE(connection.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
    ASSERT_TRUE(connection.ReadResponse());
    const auto start = Clock::now();
    server.server.Stop();
    EXPECT_LT(Since(start), 500ms) << "iteration " << i;
  }
}

TEST(ServerStopTest, HandlerOutlastingTheGraceLosesItsConnection) {
  ServerOptions options = FastOptions();
  options.shutdown_grace = 100ms;
  TestServer server(options);
  ASSERT_TRUE(server.status.ok());
  server.service.slow_delay = 600ms;
  RawConnection connection(server.port);
  ASSERT_TRUE(connection.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  while (server.service.slow_started.load() == 0) std::this_thread::sleep_for(5ms);
  std::thread stopper([&] { server.server.Stop(); });
  EXPECT_TRUE(connection.WaitClosed(450ms));  // closed after the grace, before the handler returns
  stopper.join();
}

TEST(ServerStopTest, WaitReturnsAfterStopFromAnotherThread) {
  TestServer server;
  ASSERT_TRUE(server.status.ok());
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    server.server.Stop();
  });
  server.server.Wait();
  stopper.join();
}

}  // namespace
}  // namespace osprey::http
