#include "mfa/sms/sms_provider.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace osprey::mfa::sms {
namespace {

std::vector<std::string> Keys(const OrderedStringMap& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  return keys;
}

// OrderedStringMap behaves as a Python dict of str: insertion order, in-place assignment.
TEST(OrderedStringMapTest, KeepsInsertionOrder) {
  OrderedStringMap map = {{"to", "a"}, {"text", "b"}, {"URL", "c"}};
  EXPECT_EQ(Keys(map), (std::vector<std::string>{"to", "text", "URL"}));
  map["text"] = "B";  // a present key keeps its place
  map["HTTP_METHOD"] = "POST";
  EXPECT_EQ(Keys(map), (std::vector<std::string>{"to", "text", "URL", "HTTP_METHOD"}));
  EXPECT_EQ(map.at("text"), "B");
  EXPECT_EQ(map.size(), 4u);
  EXPECT_EQ(map.count("URL"), 1u);
  EXPECT_EQ(map.count("url"), 0u);  // keys are case-sensitive
  EXPECT_EQ(map.find("nope"), map.end());
  EXPECT_THROW((void)map.at("nope"), std::out_of_range);
  EXPECT_TRUE(OrderedStringMap().empty());
}

TEST(OrderedStringMapTest, ALiteralWithARepeatedKeyActsAsADictLiteral) {
  const OrderedStringMap map = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  EXPECT_EQ(Keys(map), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(map.at("a"), "3");
}

TEST(OrderedStringMapTest, EqualityComparesTheOrder) {
  const OrderedStringMap ab = {{"a", "1"}, {"b", "2"}};
  EXPECT_EQ(ab, (OrderedStringMap{{"a", "1"}, {"b", "2"}}));
  EXPECT_NE(ab, (OrderedStringMap{{"b", "2"}, {"a", "1"}}));
  EXPECT_NE(ab, (OrderedStringMap{{"a", "1"}, {"b", "3"}}));
}

}  // namespace
}  // namespace osprey::mfa::sms
