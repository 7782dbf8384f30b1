#include "dispatch.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace osprey::http::internal {
namespace {

using testing::TestService;

Request MakeRequest(std::string method, std::string target, std::string body = "",
                    std::string content_type = "") {
  Request request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.body = std::move(body);
  if (!content_type.empty()) request.headers.Add("Content-Type", std::move(content_type));
  return request;
}

TEST(CompleteRequestTest, SplitsTargetAndDecodesQueryOnce) {
  const TestService service;
  Request request = MakeRequest("GET", "/val%69date/check?user=a%20b&pass=pin%2541+x&flag");
  EXPECT_FALSE(CompleteRequest(request, service).has_value());
  EXPECT_EQ(request.path, "/validate/check");
  EXPECT_EQ(request.raw_query, "user=a%20b&pass=pin%2541+x&flag");
  EXPECT_EQ(request.query, (Pairs{{"user", "a b"}, {"pass", "pin%41 x"}, {"flag", ""}}));
  EXPECT_FALSE(request.json.has_value());
}

TEST(CompleteRequestTest, AbsoluteFormTarget) {
  const TestService service;
  Request request = MakeRequest("GET", "http://example.org/echo?a=1");
  EXPECT_FALSE(CompleteRequest(request, service).has_value());
  EXPECT_EQ(request.path, "/echo");
  EXPECT_EQ(request.raw_query, "a=1");
}

TEST(CompleteRequestTest, FormOnlyWithFormContentType) {
  const TestService service;
  Request form =
      MakeRequest("POST", "/echo", "user=u&pass=p", "application/x-www-form-urlencoded; charset=UTF-8");
  EXPECT_FALSE(CompleteRequest(form, service).has_value());
  EXPECT_EQ(form.form, (Pairs{{"user", "u"}, {"pass", "p"}}));
  Request text = MakeRequest("POST", "/echo", "user=u", "text/plain");
  EXPECT_FALSE(CompleteRequest(text, service).has_value());
  EXPECT_TRUE(text.form.empty());
}

TEST(CompleteRequestTest, JsonRegardlessOfContentType) {
  const TestService service;
  for (const char* type : {"", "text/plain", "application/json", "APPLICATION/JSON; charset=utf-8"}) {
    Request request = MakeRequest("POST", "/echo", R"({"to":["+49"],"text":"hi"})", type);
    EXPECT_FALSE(CompleteRequest(request, service).has_value()) << type;
    ASSERT_TRUE(request.json.has_value()) << type;
    EXPECT_EQ((*request.json)["text"], "hi");
  }
}

TEST(CompleteRequestTest, MalformedJsonIs400OnlyWithJsonContentType) {
  const TestService service;
  Request bad = MakeRequest("POST", "/echo", R"({"pass":"secret123",)", "application/json");
  const auto error = CompleteRequest(bad, service);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->status, 400);
  const auto body = nlohmann::json::parse(error->body);
  EXPECT_EQ(body["error"], "bad_request");
  EXPECT_TRUE(body["detail"].get<std::string>().starts_with("Invalid JSON body: syntax error at byte"));
  EXPECT_EQ(error->body.find("secret123"), std::string::npos);  // the reason never echoes the body

  Request blank = MakeRequest("POST", "/echo", "  \r\n", "application/json");
  EXPECT_FALSE(CompleteRequest(blank, service).has_value());
  Request not_json = MakeRequest("POST", "/echo", "{oops", "text/plain");
  EXPECT_FALSE(CompleteRequest(not_json, service).has_value());
  EXPECT_FALSE(not_json.json.has_value());
}

TEST(DispatchTest, RoutesAndRendersFrameworkErrors) {
  const TestService service;
  Request hello = MakeRequest("GET", "/hello");
  EXPECT_EQ(Dispatch(hello, service).body, "hello");

  Request missing = MakeRequest("GET", "/missing");
  EXPECT_EQ(Dispatch(missing, service).status, 404);

  Request wrong = MakeRequest("DELETE", "/only-post");
  const Response not_allowed = Dispatch(wrong, service);
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_EQ(not_allowed.headers.Get("Allow"), "OPTIONS, POST");
}

TEST(DispatchTest, OptionsIsAutomaticUnlessRouted) {
  const TestService service;
  Request options = MakeRequest("OPTIONS", "/echo");
  const Response automatic = Dispatch(options, service);
  EXPECT_EQ(automatic.status, 204);
  EXPECT_EQ(automatic.headers.Get("Allow"), "GET, HEAD, OPTIONS, POST");
  Request custom = MakeRequest("OPTIONS", "/custom-options");
  EXPECT_EQ(Dispatch(custom, service).body, "custom");
  Request unknown = MakeRequest("OPTIONS", "/missing");
  EXPECT_EQ(Dispatch(unknown, service).status, 404);
}

TEST(DispatchTest, HandlerExceptionIs500) {
  const TestService service;
  Request request = MakeRequest("GET", "/throw");
  const Response response = Dispatch(request, service);
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(nlohmann::json::parse(response.body)["error"], "internal");
}

TEST(DispatchTest, InvalidHandlerStatusIs500) {
  const TestService service;
  Request request = MakeRequest("GET", "/redirect/42");
  EXPECT_EQ(Dispatch(request, service).status, 500);
}

TEST(PathForLogTest, DropsQueryAndControlBytes) {
  EXPECT_EQ(PathForLog("/validate/check?user=a&pass=secret"), "/validate/check");
  EXPECT_EQ(PathForLog("/a\x01\x7f"), "/a??");
  EXPECT_EQ(PathForLog(std::string(1000, 'a')).size(), 256u);
}

}  // namespace
}  // namespace osprey::http::internal
