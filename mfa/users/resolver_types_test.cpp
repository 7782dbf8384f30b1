#include <gtest/gtest.h>

#include <stdexcept>

#include "mfa/users/users.hpp"
#include "mfa/users/users_internal.hpp"

namespace osprey::mfa::users {
namespace {

struct WildcardCase {
  const char* pattern;
  const char* value;
  bool match;
};

TEST(WildcardMatchTest, Table) {
  const WildcardCase cases[] = {
      {"alice", "alice", true},
      {"alice", "Alice", true},
      {"alice", "alice2", false},
      {"al*", "alice", true},
      {"*ce", "alice", true},
      {"*lic*", "alice", true},
      {"a*e", "alice", true},
      {"a*e", "alicex", false},
      {"*", "", true},
      {"", "", true},
      {"", "x", false},
      {"a**b", "ab", true},
      {"*a*b*c*", "xaybzc", true},
      {"*a*b*c*", "xaybz", false},
      {"b*", "alice", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(internal::WildcardMatch(c.pattern, c.value), c.match) << c.pattern << " vs " << c.value;
  }
}

TEST(FilterTest, EveryAttributeMustMatch) {
  UserInfo info{"7", "alice", "Alice", "Smith", "alice@example.com", "+491", "030", "desc"};
  EXPECT_TRUE(internal::FilterMatches({}, info));
  EXPECT_TRUE(internal::FilterMatches({{{"username", "al*"}, {"surname", "smith"}}}, info));
  EXPECT_FALSE(internal::FilterMatches({{{"username", "al*"}, {"surname", "jones"}}}, info));
  EXPECT_TRUE(internal::FilterMatches({{{"userid", "7"}}}, info));
  EXPECT_TRUE(internal::FilterMatches({{{"email", "*@example.com"}}}, info));
  EXPECT_TRUE(internal::CheckFilter({{{"mobile", "x"}}}).ok());
  EXPECT_EQ(internal::CheckFilter({{{"password", "x"}}}).error().code(), ErrorCode::kInvalidArgument);
}

TEST(CheckNameTest, PrivacyIdeaNameRule) {
  EXPECT_TRUE(internal::CheckName("res-1_a.b").ok());
  EXPECT_FALSE(internal::CheckName("").ok());
  EXPECT_FALSE(internal::CheckName("a b").ok());
  EXPECT_FALSE(internal::CheckName("a/b").ok());
  auto bad = internal::CheckName("r@1");
  EXPECT_EQ(bad.error().message(), "non conformant characters in name: 'r@1' (not in ^[A-Za-z0-9_\\-\\.]+$)");
}

TEST(ResolverTypesTest, BuiltinsAreRegisteredOnceByName) {
  ResolverTypes types;
  RegisterBuiltinResolverTypes(types);
  EXPECT_EQ(types.Names(), (std::vector<std::string>{"passwdfile", "sql"}));
  ASSERT_NE(types.Find("passwdfile"), nullptr);
  ASSERT_EQ(types.Find("passwdfile")->params.size(), 1u);
  EXPECT_EQ(types.Find("passwdfile")->params[0].name, "fileName");
  EXPECT_TRUE(types.Find("passwdfile")->params[0].required);
  EXPECT_EQ(types.Find("ldap"), nullptr);
  EXPECT_THROW(RegisterBuiltinResolverTypes(types), std::logic_error);
}

}  // namespace
}  // namespace osprey::mfa::users
