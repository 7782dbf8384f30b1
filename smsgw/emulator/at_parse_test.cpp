#include "smsgw/emulator/at_parse.hpp"

#include <gtest/gtest.h>

namespace osprey::smsgw::emulator {
namespace {

TEST(AtParseTest, SplitsOutsideQuotes) {
  EXPECT_EQ(SplitArgs("\"SM\", \"a,b\" ,1"), (std::vector<std::string>{"\"SM\"", "\"a,b\"", "1"}));
  EXPECT_EQ(SplitArgs("1,,2"), (std::vector<std::string>{"1", "", "2"}));
  EXPECT_TRUE(SplitArgs(" ").empty());
}

TEST(AtParseTest, ParsesIntegers) {
  EXPECT_EQ(ParseIntArgs("=2,1,0,2,0"), (std::vector<int>{2, 1, 0, 2, 0}));
  EXPECT_EQ(ParseIntArgs("=1,,4"), (std::vector<int>{1, 0, 4}));
  EXPECT_FALSE(ParseIntArgs("=x").has_value());
  EXPECT_FALSE(ParseIntArgs("=").has_value());
  EXPECT_FALSE(ParseIntArgs("?").has_value());
  EXPECT_FALSE(ParseIntArgs("=1a").has_value());
}

TEST(AtParseTest, UnquotesAndUppercases) {
  EXPECT_EQ(Unquote(" \"+1555\" "), "+1555");
  EXPECT_EQ(Unquote("145"), "145");
  EXPECT_EQ(ToUpper("+cmgs"), "+CMGS");
  EXPECT_EQ(ArgText("=35"), "35");
  EXPECT_EQ(ArgText("?"), "");
  EXPECT_EQ(TrimSpaces("  AT  "), "AT");
}

}  // namespace
}  // namespace osprey::smsgw::emulator
