#include "osprey/http/message.hpp"

#include <gtest/gtest.h>

namespace osprey::http {
namespace {

TEST(HeadersTest, LookupIsCaseInsensitiveAndKeepsOrder) {
  Headers headers;
  headers.Add("Access-Token", "a");
  headers.Add("access-token", "b");
  headers.Add("Content-Type", "text/plain");
  EXPECT_EQ(headers.Get("ACCESS-TOKEN"), "a");
  EXPECT_EQ(headers.All("access-Token"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_TRUE(headers.Has("content-type"));
  EXPECT_FALSE(headers.Get("Authorization").has_value());
}

TEST(HeadersTest, SetReplacesEveryFieldOfThatName) {
  Headers headers;
  headers.Add("X-A", "1");
  headers.Add("x-a", "2");
  headers.Add("X-B", "3");
  headers.Set("X-a", "4");
  EXPECT_EQ(headers.All("x-a"), (std::vector<std::string_view>{"4"}));
  EXPECT_EQ(headers.fields().size(), 2u);
}

TEST(RequestTest, QueryOrFormPrefersQueryThenFirstOccurrence) {
  Request request;
  request.query = {{"user", "q1"}, {"user", "q2"}};
  request.form = {{"user", "f"}, {"pass", "p"}};
  EXPECT_EQ(request.QueryOrForm("user"), "q1");
  EXPECT_EQ(request.QueryOrForm("pass"), "p");
  EXPECT_FALSE(request.QueryOrForm("serial").has_value());
}

TEST(ResponseTest, JsonSetsContentType) {
  const Response response = Response::Json(201, {{"a", 1}});
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.headers.Get("content-type"), "application/json");
  EXPECT_EQ(response.body, R"({"a":1})");
}

TEST(ResponseTest, JsonReplacesInvalidUtf8InsteadOfThrowing) {
  const Response response = Response::Json(200, {{"a", std::string("\xff")}});
  EXPECT_EQ(response.body, "{\"a\":\"\xEF\xBF\xBD\"}");
}

TEST(ResponseTest, TextAndEmpty) {
  const Response text = Response::Text(200, "hi");
  EXPECT_EQ(text.headers.Get("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(text.body, "hi");
  const Response empty = Response::Empty(204);
  EXPECT_EQ(empty.status, 204);
  EXPECT_TRUE(empty.body.empty());
  EXPECT_TRUE(empty.headers.fields().empty());
}

struct DecodeCase {
  std::string_view input;
  bool plus_as_space;
  std::string_view expected;
};

TEST(PercentDecodeTest, Table) {
  const DecodeCase cases[] = {
      {"a%20b", false, "a b"},
      {"a+b", true, "a b"},
      {"a+b", false, "a+b"},
      {"%2B", true, "+"},
      {"%e4%C3%a4", false, "\xe4\xc3\xa4"},
      {"100%", false, "100%"},
      {"%zz", false, "%zz"},
      {"%4", false, "%4"},
      {"pin%2541", true, "pin%41"},  // decoded once only (privacyIDEA's second pass is the service's job)
      {"", true, ""},
  };
  for (const auto& c : cases) EXPECT_EQ(PercentDecode(c.input, c.plus_as_space), c.expected) << c.input;
}

TEST(PercentEncodeTest, KeepsUnreservedOnly) {
  EXPECT_EQ(PercentEncode("aZ09-._~", false), "aZ09-._~");
  EXPECT_EQ(PercentEncode("a b&c=d/+", false), "a%20b%26c%3Dd%2F%2B");
  EXPECT_EQ(PercentEncode("a b", true), "a+b");
  EXPECT_EQ(PercentEncode("\xc3\xa4", false), "%C3%A4");
  EXPECT_EQ(PercentDecode(PercentEncode("x y+z%", true), true), "x y+z%");
}

TEST(ParseUrlEncodedTest, OrderedPairs) {
  EXPECT_EQ(ParseUrlEncoded("a=1&b=2&a=3"), (Pairs{{"a", "1"}, {"b", "2"}, {"a", "3"}}));
  EXPECT_EQ(ParseUrlEncoded("flag&x="), (Pairs{{"flag", ""}, {"x", ""}}));
  EXPECT_EQ(ParseUrlEncoded("&&a=1&"), (Pairs{{"a", "1"}}));
  EXPECT_EQ(ParseUrlEncoded("msg=Hello+world%21&k%20ey=v=w"),
            (Pairs{{"msg", "Hello world!"}, {"k ey", "v=w"}}));
  EXPECT_TRUE(ParseUrlEncoded("").empty());
}

}  // namespace
}  // namespace osprey::http
