#include "osprey/core/encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace osprey {
namespace {

struct Vector {
  std::string_view plain;
  std::string_view hex;
  std::string_view base32;
  std::string_view base64;
};

// RFC 4648 §10 test vectors.
constexpr Vector kRfc4648[] = {
    {"", "", "", ""},
    {"f", "66", "MY======", "Zg=="},
    {"fo", "666f", "MZXQ====", "Zm8="},
    {"foo", "666f6f", "MZXW6===", "Zm9v"},
    {"foob", "666f6f62", "MZXW6YQ=", "Zm9vYg=="},
    {"fooba", "666f6f6261", "MZXW6YTB", "Zm9vYmE="},
    {"foobar", "666f6f626172", "MZXW6YTBOI======", "Zm9vYmFy"},
};

TEST(EncodingTest, Rfc4648Vectors) {
  for (const Vector& v : kRfc4648) {
    SCOPED_TRACE(std::string(v.plain));
    EXPECT_EQ(HexEncode(v.plain), v.hex);
    EXPECT_EQ(Base32Encode(v.plain), v.base32);
    EXPECT_EQ(Base64Encode(v.plain), v.base64);
    ASSERT_TRUE(HexDecode(v.hex).ok());
    EXPECT_EQ(*HexDecode(v.hex), v.plain);
    ASSERT_TRUE(Base32Decode(v.base32).ok());
    EXPECT_EQ(*Base32Decode(v.base32), v.plain);
    ASSERT_TRUE(Base64Decode(v.base64).ok());
    EXPECT_EQ(*Base64Decode(v.base64), v.plain);
  }
}

TEST(EncodingTest, Base32WithoutPaddingAndLowerCase) {
  EXPECT_EQ(Base32Encode("foobar", Base32Padding::kWithout), "MZXW6YTBOI");
  EXPECT_EQ(*Base32Decode("MZXW6YTBOI"), "foobar");
  EXPECT_EQ(*Base32Decode("mzxw6ytboi"), "foobar");
  EXPECT_EQ(*Base32Decode("mzXW6ytBOI======"), "foobar");
  // The RFC 6238 SHA1 seed as authenticator apps show it.
  EXPECT_EQ(*Base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), "12345678901234567890");
}

TEST(EncodingTest, Base32RejectsMalformedInput) {
  for (const std::string_view bad : {"MZXW6YT!", "MZXW6YTBO", "M", "MZX", "MZXW6Y", "MZ=W6YTB",
                                     "MY=", "MY==MY==", "MZ XW6YTB", "0ZXW6YTB", "1ZXW6YTB"}) {
    SCOPED_TRACE(std::string(bad));
    const Result<std::string> r = Base32Decode(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(EncodingTest, HexDecodeAcceptsUpperCaseAndRejectsGarbage) {
  EXPECT_EQ(*HexDecode("DEADbeef"), "\xde\xad\xbe\xef");
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
  EXPECT_FALSE(HexDecode("ab cd").ok());
  EXPECT_FALSE(HexDecode("ab:cd").ok());
}

TEST(EncodingTest, Base64UrlHasNoPaddingAndUrlAlphabet) {
  const std::string bytes("\xfb\xff\xfe", 3);
  EXPECT_EQ(Base64Encode(bytes), "+//+");
  EXPECT_EQ(Base64UrlEncode(bytes), "-__-");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(*Base64UrlDecode("-__-"), bytes);
  EXPECT_EQ(*Base64UrlDecode("Zg"), "f");
  EXPECT_FALSE(Base64UrlDecode("Zg==").ok());
  EXPECT_FALSE(Base64UrlDecode("+//+").ok());
  EXPECT_FALSE(Base64UrlDecode("Zh").ok());  // non-canonical trailing bits
  EXPECT_FALSE(Base64Decode("Zg").ok());     // standard base64 needs its padding
  EXPECT_FALSE(Base64Decode("Zm9v!").ok());
}

TEST(EncodingTest, RoundTripsEveryByteValueAndLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= all.size(); len += 7) {
    const std::string bytes = all.substr(all.size() - len);
    SCOPED_TRACE(len);
    EXPECT_EQ(*HexDecode(HexEncode(bytes)), bytes);
    EXPECT_EQ(*Base32Decode(Base32Encode(bytes)), bytes);
    EXPECT_EQ(*Base32Decode(Base32Encode(bytes, Base32Padding::kWithout)), bytes);
    EXPECT_EQ(*Base64Decode(Base64Encode(bytes)), bytes);
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(bytes)), bytes);
  }
}

}  // namespace
}  // namespace osprey
