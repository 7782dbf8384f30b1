#include "request_line.hpp"

#include <gtest/gtest.h>

namespace osprey::http::internal {
namespace {

TEST(RepairRequestLineTest, EncodesRawSpacesInTheTarget) {
  EXPECT_EQ(RepairRequestLine("GET /http_api/send_sms?access_token=x&to=123&message=Hello world HTTP/1.1"),
            "GET /http_api/send_sms?access_token=x&to=123&message=Hello%20world HTTP/1.1");
  EXPECT_EQ(RepairRequestLine("GET /a?m=one two  three HTTP/1.0"), "GET /a?m=one%20two%20%20three HTTP/1.0");
  // The last " HTTP/" marks the version, even when the message itself contains one.
  EXPECT_EQ(RepairRequestLine("GET /a?m=x HTTP/1.1 y HTTP/1.1"), "GET /a?m=x%20HTTP/1.1%20y HTTP/1.1");
}

TEST(RepairRequestLineTest, LeavesOtherLinesAlone) {
  EXPECT_EQ(RepairRequestLine("GET /a?b=c HTTP/1.1"), std::nullopt);
  EXPECT_EQ(RepairRequestLine("GET /a b c"), std::nullopt);  // no version: the parser rejects it
  EXPECT_EQ(RepairRequestLine(""), std::nullopt);
}

}  // namespace
}  // namespace osprey::http::internal
