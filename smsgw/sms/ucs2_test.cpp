#include "smsgw/sms/ucs2.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace osprey::smsgw::sms {
namespace {

struct HexCase {
  std::string_view text;
  std::string_view hex;
};

constexpr HexCase kHex[] = {
    {"", ""},
    {"Hi", "00480069"},
    {"@", "0040"},
    {"€x", "20AC0078"},
    {"ç", "00E7"},
    {"Привет", "041F04400438043204350442"},
    {"👍", "D83DDC4D"},
    {"a🔴b", "0061D83DDD340062"},
    {"\xEF\xBF\xBF", "FFFF"},
    {"\xF4\x8F\xBF\xBF", "DBFFDFFF"},
};

std::vector<std::uint8_t> FromHex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(Ucs2Test, Utf16BeHexAndRoundTrip) {
  for (const HexCase& c : kHex) {
    SCOPED_TRACE(std::string(c.text));
    Result<std::string> hex = Utf16BeHex(c.text);
    ASSERT_TRUE(hex.ok());
    EXPECT_EQ(*hex, c.hex);
    Result<std::vector<std::uint8_t>> bytes = EncodeUcs2(c.text);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(*bytes, FromHex(c.hex));
    Result<std::string> back = DecodeUcs2(*bytes);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, c.text);
  }
}

TEST(Ucs2Test, UnitCost) {
  EXPECT_EQ(Utf16UnitCost(U'a'), 1);
  EXPECT_EQ(Utf16UnitCost(U'€'), 1);
  EXPECT_EQ(Utf16UnitCost(0xFFFF), 1);
  EXPECT_EQ(Utf16UnitCost(0x10000), 2);
  EXPECT_EQ(Utf16UnitCost(0x1F44D), 2);
}

TEST(Ucs2Test, RejectsInvalidUtf8Input) {
  EXPECT_EQ(Utf16BeHex("\xC3").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(EncodeUcs2("\xED\xA0\x80").error().code(), ErrorCode::kInvalidArgument);
}

struct DecodeCase {
  std::string_view hex;
  std::string_view text;
  const char* why;
};

constexpr DecodeCase kLenientDecode[] = {
    {"D83D", "\xEF\xBF\xBD", "lone high surrogate at the end (pair split by the sender)"},
    {"DC4D0041",
     "\xEF\xBF\xBD"
     "A",
     "lone low surrogate at the start"},
    {"D83D0041",
     "\xEF\xBF\xBD"
     "A",
     "high surrogate followed by a non-surrogate"},
    {"D83DD83DDC4D", "\xEF\xBF\xBD👍", "two highs, the second one paired"},
    {"0000", std::string_view("\0", 1), "NUL is data, not a terminator"},
};

TEST(Ucs2Test, DecodeReplacesUnpairedSurrogates) {
  for (const DecodeCase& c : kLenientDecode) {
    SCOPED_TRACE(c.why);
    Result<std::string> text = DecodeUcs2(FromHex(c.hex));
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, c.text);
  }
}

TEST(Ucs2Test, DecodeRejectsOddByteCount) {
  const std::vector<std::uint8_t> odd = {0x00, 0x48, 0x00};
  Result<std::string> text = DecodeUcs2(odd);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace osprey::smsgw::sms
