#include "mfa/api/envelope.hpp"

#include <gtest/gtest.h>

namespace osprey::mfa::api {
namespace {

nlohmann::json Body(const http::Response& r) { return nlohmann::json::parse(r.body); }

TEST(EnvelopeTest, SuccessWithoutDetailHasNoDetailAndIdOne) {
  auto body = Body(SuccessResponse(true, nlohmann::json::object(), 1755763200.5));
  EXPECT_EQ(body["jsonrpc"], "2.0");
  EXPECT_EQ(body["id"], 1);
  EXPECT_EQ(body["result"], (nlohmann::json{{"status", true}, {"value", true}}));
  EXPECT_FALSE(body.contains("detail"));
  EXPECT_EQ(body["versionnumber"], "3.13.3");
  EXPECT_EQ(body["time"], 1755763200.5);
}

TEST(EnvelopeTest, DetailGetsIntegerThreadId) {
  auto body = Body(SuccessResponse(false, {{"message", "wrong otp pin"}}, 1, 2));
  ASSERT_TRUE(body["detail"].contains("threadid"));
  EXPECT_TRUE(body["detail"]["threadid"].is_number_integer());
  EXPECT_EQ(body["id"], 2);
  EXPECT_EQ(body["result"]["authentication"], "REJECT");
}

TEST(EnvelopeTest, AuthenticationRule) {
  nlohmann::json none = nlohmann::json::object();
  EXPECT_EQ(AuthenticationOf(true, none), "ACCEPT");
  EXPECT_EQ(AuthenticationOf(1, none), "ACCEPT");
  EXPECT_EQ(AuthenticationOf("CHALLENGE", none), "CHALLENGE");
  EXPECT_EQ(AuthenticationOf(false, {{"multi_challenge", {{{"serial", "S"}}}}}), "CHALLENGE");
  EXPECT_EQ(AuthenticationOf(true, {{"multi_challenge", {{{"serial", "S"}}}}}), "CHALLENGE");
  EXPECT_EQ(AuthenticationOf(false, {{"multi_challenge", nlohmann::json::array()}}), "REJECT");
  EXPECT_EQ(AuthenticationOf(false, {{"challenge_status", "declined"}}), "DECLINED");
  EXPECT_EQ(AuthenticationOf(0, none), "REJECT");
}

TEST(EnvelopeTest, SamlUsesValueAuth) {
  auto body =
      Body(SuccessResponse({{"auth", true}, {"attributes", nlohmann::json::object()}}, {}, 1, 2, true));
  EXPECT_EQ(body["result"]["authentication"], "ACCEPT");
  body = Body(SuccessResponse({{"auth", false}, {"attributes", nlohmann::json::object()}}, {}, 1, 2, true));
  EXPECT_EQ(body["result"]["authentication"], "REJECT");
}

TEST(EnvelopeTest, ErrorEnvelope) {
  http::Response r = ErrorResponse(ParameterError("Invalid user."), 3.5);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.Get("Cache-Control"), "no-cache");
  auto body = Body(r);
  EXPECT_EQ(body["detail"], nullptr);
  EXPECT_EQ(body["id"], 1);
  EXPECT_FALSE(body.contains("versionnumber"));
  EXPECT_EQ(body["result"]["error"]["message"], "ERR905: Invalid user.");
  EXPECT_EQ(body["result"]["error"]["code"], 905);
  EXPECT_EQ(body["result"]["status"], false);
}

}  // namespace
}  // namespace osprey::mfa::api
