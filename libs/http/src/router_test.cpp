#include "osprey/http/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace osprey::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) { return Response::Text(200, name); };
}

// Runs the matched handler and returns its body ("" when nothing matched).
std::string Route(const Router& router, const std::string& method, const std::string& path,
                  Request* out = nullptr) {
  Request request;
  const Router::Match match = router.Find(method, path, request);
  if (out != nullptr) *out = request;
  return match.kind == Router::MatchKind::kFound ? (*match.handler)(request).body : "";
}

Router SampleRouter() {
  Router router;
  router.Add("GET", "/token/", Named("list"))
      .Add("GET", "/token/{serial}", Named("get"))
      .Add("DELETE", "/token/{serial}", Named("delete"))
      .Add("POST", "/token/init", Named("init"))
      .Add("GET", "/messages/{folder}/{id}", Named("message"))
      .Add("GET", "/static/{path...}", Named("static"))
      .Add("*", "/any", Named("any"));
  return router;
}

TEST(RouterTest, MatchesLiteralsAndParams) {
  const Router router = SampleRouter();
  Request request;
  EXPECT_EQ(Route(router, "GET", "/token/", &request), "list");
  EXPECT_EQ(Route(router, "GET", "/token/OATH1", &request), "get");
  EXPECT_EQ(request.path_params.at("serial"), "OATH1");
  EXPECT_EQ(Route(router, "GET", "/messages/inbox/7", &request), "message");
  EXPECT_EQ(request.path_params.at("folder"), "inbox");
  EXPECT_EQ(request.path_params.at("id"), "7");
}

TEST(RouterTest, LiteralBeatsParamAndFallsBackByMethod) {
  const Router router = SampleRouter();
  EXPECT_EQ(Route(router, "POST", "/token/init"), "init");
  // The literal route has no GET, so the parameter route answers (as werkzeug does).
  Request request;
  EXPECT_EQ(Route(router, "GET", "/token/init", &request), "get");
  EXPECT_EQ(request.path_params.at("serial"), "init");
}

TEST(RouterTest, RestParamTakesTheRemainder) {
  const Router router = SampleRouter();
  Request request;
  EXPECT_EQ(Route(router, "GET", "/static/a/b/c.txt", &request), "static");
  EXPECT_EQ(request.path_params.at("path"), "a/b/c.txt");
  EXPECT_EQ(Route(router, "GET", "/static/", &request), "static");
  EXPECT_EQ(request.path_params.at("path"), "");
  EXPECT_EQ(Route(router, "GET", "/static"), "");
}

TEST(RouterTest, HeadUsesGetAndStarTakesAnything) {
  const Router router = SampleRouter();
  EXPECT_EQ(Route(router, "HEAD", "/token/X"), "get");
  EXPECT_EQ(Route(router, "PATCH", "/any"), "any");
}

TEST(RouterTest, NotFoundVersusMethodNotAllowed) {
  const Router router = SampleRouter();
  Request request;
  EXPECT_EQ(router.Find("GET", "/nope", request).kind, Router::MatchKind::kNotFound);
  EXPECT_EQ(router.Find("GET", "/token/a/b", request).kind, Router::MatchKind::kNotFound);
  EXPECT_EQ(router.Find("GET", "", request).kind, Router::MatchKind::kNotFound);
  const Router::Match match = router.Find("PUT", "/token/X", request);
  EXPECT_EQ(match.kind, Router::MatchKind::kMethodNotAllowed);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"DELETE", "GET", "HEAD"}));
  EXPECT_TRUE(request.path_params.empty());
}

TEST(RouterTest, AllowedMethodsUnitesEveryMatchingPattern) {
  const Router router = SampleRouter();
  EXPECT_EQ(router.AllowedMethods("/token/init"),
            (std::vector<std::string>{"DELETE", "GET", "HEAD", "POST"}));
  EXPECT_EQ(router.AllowedMethods("/any").size(), 7u);
  EXPECT_TRUE(router.AllowedMethods("/missing").empty());
}

TEST(RouterTest, ExactMethodBeatsHeadViaGet) {
  Router router;
  router.Add("GET", "/r", Named("get")).Add("HEAD", "/r", Named("head")).Add("*", "/r", Named("star"));
  EXPECT_EQ(Route(router, "HEAD", "/r"), "head");
  EXPECT_EQ(Route(router, "GET", "/r"), "get");
  EXPECT_EQ(Route(router, "POST", "/r"), "star");
}

TEST(RouterTest, RejectsMalformedPatternsAndDuplicates) {
  Router router;
  EXPECT_THROW(router.Add("GET", "token", Named("x")), std::logic_error);
  EXPECT_THROW(router.Add("GET", "/a/{", Named("x")), std::logic_error);
  EXPECT_THROW(router.Add("GET", "/a/{}", Named("x")), std::logic_error);
  EXPECT_THROW(router.Add("GET", "/a/b{c}", Named("x")), std::logic_error);
  EXPECT_THROW(router.Add("GET", "/a/{x...}/b", Named("x")), std::logic_error);
  EXPECT_THROW(router.Add("GET", "/a/{x}/{x}", Named("x")), std::logic_error);
  EXPECT_THROW(router.Add("get", "/a", Named("x")), std::logic_error);
  EXPECT_THROW(router.Add("GET", "/a", Handler()), std::logic_error);
  router.Add("GET", "/t/{a}", Named("x"));
  EXPECT_THROW(router.Add("GET", "/t/{b}", Named("y")), std::logic_error);
  EXPECT_NO_THROW(router.Add("POST", "/t/{b}", Named("y")));
  EXPECT_NO_THROW(router.Add("GET", "/t/lit", Named("z")));
}

}  // namespace
}  // namespace osprey::http
