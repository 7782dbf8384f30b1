#include "smsgw/sms/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace osprey::smsgw::sms {
namespace {

struct ValidCase {
  std::string_view utf8;
  std::u32string_view code_points;
};

constexpr ValidCase kValid[] = {
    {"", U""},
    {"abc", U"abc"},
    {std::string_view("a\0b", 3), std::u32string_view(U"a\0b", 3)},
    {"\x7F", U"\x7F"},
    {"\xC2\x80", U"\x80"},
    {"£€", U"£€"},
    {"\xEF\xBF\xBF", U"\xFFFF"},
    {"👍", U"\x1F44D"},
    {"\xF4\x8F\xBF\xBF", U"\x10FFFF"},
    {"Zürich 🔴", U"Zürich \x1F534"},
};

TEST(Utf8Test, DecodesValidTextAndRoundTrips) {
  for (const ValidCase& c : kValid) {
    SCOPED_TRACE(std::string(c.utf8));
    Result<std::u32string> decoded = DecodeUtf8(c.utf8);
    ASSERT_TRUE(decoded.ok()) << decoded.error().ToString();
    EXPECT_EQ(*decoded, c.code_points);
    EXPECT_EQ(EncodeUtf8(c.code_points), c.utf8);
  }
}

constexpr std::string_view kInvalid[] = {
    "\x80",                  // stray continuation byte
    "a\xBF",                 // stray continuation byte after ASCII
    "\xC3",                  // truncated two-byte sequence
    "\xE2\x82",              // truncated three-byte sequence
    "\xF0\x9F\x91",          // truncated four-byte sequence
    "\xC3\x28",              // bad continuation
    "\xC0\xAF",              // overlong '/'
    "\xC1\xBF",              // overlong
    "\xE0\x80\xAF",          // overlong three-byte
    "\xF0\x80\x80\xAF",      // overlong four-byte
    "\xED\xA0\x80",          // high surrogate U+D800
    "\xED\xBF\xBF",          // low surrogate U+DFFF
    "\xF4\x90\x80\x80",      // U+110000
    "\xF5\x80\x80\x80",      // lead byte beyond the range
    "\xFF",                  // never valid
    "ok\xE2\x82\xACok\xFE",  // valid prefix, invalid tail
};

TEST(Utf8Test, RejectsInvalidUtf8) {
  for (std::string_view text : kInvalid) {
    SCOPED_TRACE(testing::PrintToString(std::string(text)));
    Result<std::u32string> decoded = DecodeUtf8(text);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace osprey::smsgw::sms
