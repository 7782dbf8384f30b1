#include "smsgw/sms/number.hpp"

#include <gtest/gtest.h>

#include <string>

namespace osprey::smsgw::sms {
namespace {

struct NumberCase {
  std::string_view raw;
  LeadingSpace leading_space;
  std::string_view normalised;  // empty: invalid
};

constexpr auto kSep = LeadingSpace::kSeparator;
constexpr auto kPlus = LeadingSpace::kWasPlus;

constexpr NumberCase kCases[] = {
    {"+48123456789", kSep, "+48123456789"},
    {"+48 123-456-789", kSep, "+48123456789"},
    {"4915112345678", kSep, "4915112345678"},
    {"(030) 123.45/67", kSep, "0301234567"},
    {"+49 (0)30 1234", kSep, "+490301234"},
    {" +48 123", kSep, "+48123"},
    {"1", kSep, "1"},
    {"12345678901234567890", kSep, "12345678901234567890"},
    {"+12345678901234567890", kSep, "+12345678901234567890"},
    {" 4912", kPlus, "+4912"},
    {" 48 123 456", kPlus, "+48123456"},
    {" 4912", kSep, "4912"},
    {"4912", kPlus, "4912"},
    {"+4912", kPlus, "+4912"},
    {"", kSep, ""},
    {"", kPlus, ""},
    {"abc", kSep, ""},
    {"++1", kSep, ""},
    {"+", kSep, ""},
    {" ", kPlus, ""},
    {"- ./()", kSep, ""},
    {"48+123", kSep, ""},
    {"123+", kSep, ""},
    {" +4912", kPlus, ""},
    {"123456789012345678901", kSep, ""},
    {"+49\t123", kSep, ""},
    {"+49_123", kSep, ""},
    {"0049１２３", kSep, ""},
    {"tel:+49123", kSep, ""},
};

TEST(NumberTest, NormalizePhoneNumber) {
  for (const NumberCase& c : kCases) {
    SCOPED_TRACE(testing::PrintToString(std::string(c.raw)) +
                 (c.leading_space == kPlus ? " (leading space is plus)" : ""));
    Result<std::string> number = NormalizePhoneNumber(c.raw, c.leading_space);
    if (c.normalised.empty()) {
      ASSERT_FALSE(number.ok()) << *number;
      EXPECT_EQ(number.error().code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(number.error().message(), "Invalid phone number.");
    } else {
      ASSERT_TRUE(number.ok());
      EXPECT_EQ(*number, c.normalised);
    }
  }
}

TEST(NumberTest, DefaultTreatsLeadingSpaceAsSeparator) { EXPECT_EQ(*NormalizePhoneNumber(" 4912"), "4912"); }

}  // namespace
}  // namespace osprey::smsgw::sms
