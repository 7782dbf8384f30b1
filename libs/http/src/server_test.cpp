// HttpServer over real loopback sockets: request parsing, routing outcomes and keep-alive.
#include "osprey/http/server.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "test_support.hpp"

namespace osprey::http {
namespace {

using namespace testing;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.status.ok()) << server_.status.error().ToString(); }
  std::optional<RawResponse> Send(const std::string& request, bool head = false) {
    return RawRequest(server_.port, request, head);
  }
  TestServer server_;
};

TEST_F(ServerTest, GetWithQueryDecodesOnce) {
  const auto response = Send("GET /echo?user=a%20b&pass=pin%2541+x HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-type"), "application/json");
  EXPECT_EQ(response->Header("server"), "Osprey");
  const auto body = response->Json();
  EXPECT_EQ(body["path"], "/echo");
  EXPECT_EQ(body["raw_query"], "user=a%20b&pass=pin%2541+x");
  EXPECT_EQ(body["query"], nlohmann::json::parse(R"([["user","a b"],["pass","pin%41 x"]])"));
  EXPECT_EQ(body["remote"], "127.0.0.1");
  EXPECT_EQ(body["tls"], false);
}

TEST_F(ServerTest, PostFormAndJson) {
  const auto form = Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: 17\r\n\r\nuser=u&pass=p%26q");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->Json()["form"], nlohmann::json::parse(R"([["user","u"],["pass","p&q"]])"));

  const std::string json = R"({"to":["+4915112345678"],"text":287082})";
  for (const std::string type : {"application/json", "text/plain"}) {
    const auto response = Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: " + type +
                               "\r\nContent-Length: " + std::to_string(json.size()) + "\r\n\r\n" + json);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->Json()["json"]["text"], 287082) << type;
  }
  const auto no_type = Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(json.size()) + "\r\n\r\n" + json);
  ASSERT_TRUE(no_type);
  EXPECT_EQ(no_type->Json()["json"]["to"][0], "+4915112345678");
}

TEST_F(ServerTest, MalformedJsonIsRenderedAs400) {
  const auto response = Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: "
      "9\r\n\r\n{\"a\":1,,}");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->Json()["error"], "bad_request");
  EXPECT_EQ(response->Json()["detail"], "Invalid JSON body: syntax error at byte 8");
}

TEST_F(ServerTest, NotFoundVersusMethodNotAllowed) {
  const auto missing = Send("GET /missing HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->Json()["error"], "not_found");
  const auto wrong = Send("GET /only-post HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->Json()["error"], "method_not_allowed");
  EXPECT_EQ(wrong->Header("allow"), "OPTIONS, POST");
}

TEST_F(ServerTest, PathParamsAndLiteralPriority) {
  EXPECT_EQ(Send("GET /items/special HTTP/1.1\r\nHost: t\r\n\r\n")->body, "literal");
  EXPECT_EQ(Send("GET /items/a%2Fb HTTP/1.1\r\nHost: t\r\n\r\n")->status, 404);  // decoded before routing
  EXPECT_EQ(Send("GET /items/x%20y HTTP/1.1\r\nHost: t\r\n\r\n")->Json()["params"]["id"], "x y");
  EXPECT_EQ(Send("GET /files/a/b.txt HTTP/1.1\r\nHost: t\r\n\r\n")->Json()["params"]["rest"], "a/b.txt");
}

TEST_F(ServerTest, HeadSendsLengthWithoutBody) {
  RawConnection connection(server_.port);
  ASSERT_TRUE(connection.Send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto head = connection.ReadResponse(5s, /*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "5");
  // Had a body been sent, the next response would not start where the reader expects it.
  ASSERT_TRUE(connection.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto get = connection.ReadResponse();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "hello");
}

TEST_F(ServerTest, OptionsAnswersWithAllow) {
  const auto response = Send("OPTIONS /echo HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(response->Header("allow"), "GET, HEAD, OPTIONS, POST");
  EXPECT_EQ(response->Header("content-length"), "");
  EXPECT_EQ(Send("OPTIONS /custom-options HTTP/1.1\r\nHost: t\r\n\r\n")->body, "custom");
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawConnection connection(server_.port);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(connection.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
    const auto response = connection.ReadResponse();
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->body, "hello");
    EXPECT_NE(response->Header("connection"), "close");
  }
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection connection(server_.port);
  ASSERT_TRUE(
      connection.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /echo?n=2 HTTP/1.1\r\nHost: t\r\n\r\n"
                      "GET /hello?x=a b HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(connection.ReadResponse()->body, "hello");
  EXPECT_EQ(connection.ReadResponse()->Json()["raw_query"], "n=2");
  EXPECT_EQ(connection.ReadResponse()->body, "hello");
}

TEST_F(ServerTest, ConnectionCloseAndHttp10) {
  RawConnection closing(server_.port);
  ASSERT_TRUE(closing.Send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(closing.ReadResponse()->Header("connection"), "close");
  EXPECT_TRUE(closing.WaitClosed(2s));

  RawConnection old(server_.port);
  ASSERT_TRUE(old.Send("GET /hello HTTP/1.0\r\n\r\n"));
  const auto response = old.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "hello");
  EXPECT_TRUE(old.WaitClosed(2s));
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimResponse) {
  RawConnection connection(server_.port);
  ASSERT_TRUE(
      connection.Send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
  const auto interim = connection.ReadResponse(5s, /*head=*/true);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(connection.Send("{}"));
  EXPECT_EQ(connection.ReadResponse()->status, 200);
}

TEST_F(ServerTest, HandlerExceptionIs500AndConnectionSurvives) {
  RawConnection connection(server_.port);
  ASSERT_TRUE(connection.Send("GET /throw?pass=secret HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto response = connection.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->Json()["error"], "internal");
  ASSERT_TRUE(connection.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(connection.ReadResponse()->body, "hello");
}

// SMSEagle APIv1 clients send unencoded spaces in the query (spec §13 item 9).
TEST_F(ServerTest, RawSpacesInRequestTargetAreAccepted) {
  const auto response =
      Send("GET /echo?access_token=x&to=123&message=Hello world  again HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Json()["query"][2], nlohmann::json::parse(R"(["message","Hello world  again"])"));
}

TEST_F(ServerTest, MalformedRequestIs400) {
  const auto response = Send("GET /a\x01 HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(response->Json()["error"], "bad_request");
}

TEST(ServerAccessLogTest, LogsPathWithoutQuery) {
  std::ostringstream out;
  auto logger =
      std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  spdlog::register_logger(logger);
  {
    ServerOptions options = FastOptions();
    options.access_log = true;
    TestServer server(options);
    ASSERT_TRUE(server.status.ok());
    ASSERT_TRUE(RawRequest(server.port, "GET /echo?user=u&pass=secret HTTP/1.1\r\nHost: t\r\n\r\n"));
    ASSERT_TRUE(RawRequest(server.port, "GET /missing HTTP/1.1\r\nHost: t\r\n\r\n"));
  }
  spdlog::drop("access");
  const std::string log = out.str();
  EXPECT_NE(log.find("127.0.0.1 \"GET /echo\" 200 "), std::string::npos) << log;
  EXPECT_NE(log.find("\"GET /missing\" 404 "), std::string::npos) << log;
  EXPECT_NE(log.find("ms [test]"), std::string::npos) << log;
  EXPECT_EQ(log.find("secret"), std::string::npos) << log;
}

TEST(ServerIpv6Test, ServesOnLoopbackV6) {
  TestServer server(FastOptions(), std::nullopt, "::1");
  if (!server.status.ok()) GTEST_SKIP() << "no IPv6 loopback: " << server.status.error().ToString();
  std::unique_ptr<RawConnection> connection;
  try {
    connection = std::make_unique<RawConnection>(server.port, /*ipv6=*/true);
  } catch (const std::exception&) {
    GTEST_SKIP() << "cannot connect to ::1";
  }
  ASSERT_TRUE(connection->Send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto response = connection->ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->Json()["remote"], "::1");
}

// A listener with a handler pool of its own keeps answering while every thread of the shared pool is busy.
TEST(ServerWorkerPoolTest, AListenerWithItsOwnPoolIsNotStarvedByTheSharedOne) {
  ServerOptions options = FastOptions();
  options.worker_threads = 1;
  HttpServer server(options);
  TestService shared_service, own_service;
  shared_service.slow_delay = 1500ms;
  server.AddListener({.address = "127.0.0.1", .port = 0, .tls = std::nullopt}, shared_service);
  server.AddListener({.address = "127.0.0.1", .port = 0, .tls = std::nullopt, .worker_threads = 2},
                     own_service);
  ASSERT_TRUE(server.Start().ok());
  RawConnection slow(server.BoundPort(0));
  ASSERT_TRUE(slow.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (shared_service.slow_started == 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(5ms);
  ASSERT_EQ(shared_service.slow_started, 1);
  // The shared pool's only thread is asleep in /slow: the other listener answers from its own pool at once.
  RawConnection other(server.BoundPort(1));
  ASSERT_TRUE(other.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto hello = other.ReadResponse(1000ms);
  ASSERT_TRUE(hello) << "the listener with its own pool waited for the shared one";
  EXPECT_EQ(hello->body, "hello");
  // And the shared listener still queues behind its busy thread, then answers.
  const auto done = slow.ReadResponse(5s);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->body, "slow done");
  server.Stop();
}

TEST(ServerStartTest, ReportsBindFailure) {
  TestServer first;
  ASSERT_TRUE(first.status.ok());
  HttpServer second(FastOptions());
  TestService service;
  second.AddListener({.address = "127.0.0.1", .port = first.port, .tls = std::nullopt}, service);
  const Status status = second.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
  second.Wait();  // a failed Start leaves the server stopped
}

}  // namespace
}  // namespace osprey::http
