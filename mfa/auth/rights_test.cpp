#include "mfa/auth/rights.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace osprey::mfa::auth {
namespace {

TEST(RightsTest, NamesAreDistinctPerScope) {
  for (std::string_view scope : {"admin", "user"}) {
    const std::vector<std::string> names = KnownRightNames(scope);
    EXPECT_FALSE(names.empty()) << scope;
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size()) << scope;
  }
  EXPECT_TRUE(KnownRightNames("authentication").empty());
}

struct MenuCase {
  std::string scope;
  std::vector<std::string> rights;
  std::vector<std::string> menus;
};

// privacyIDEA's mainmenu lists (lib/policy.py): assign opens tokens and users for admins, triggerchallenge
// none.
TEST(RightsTest, MenusAreTheUnionInMainMenuOrder) {
  const std::vector<MenuCase> cases = {
      {"admin", {}, {}},
      {"admin", {"triggerchallenge"}, {}},
      {"admin", {"auditlog", "enable"}, {"tokens", "audit"}},
      {"admin", {"assign"}, {"tokens", "users"}},
      {"admin", {"configread", "userlist", "tokenlist", "auditlog"}, {"tokens", "users", "config", "audit"}},
      {"admin", {"enrollHOTP", "nosuchright"}, {"tokens"}},
      {"admin", {"smsgateway_write=yes"}, {"config"}},
      {"user", {"assign"}, {"tokens"}},
      {"user", {"updateuser", "auditlog"}, {"users", "audit"}},
      {"user", {"configread"}, {}},
  };
  for (const auto& c : cases)
    EXPECT_EQ(MenusFor(c.scope, c.rights), c.menus) << c.scope << " " << c.rights.size();
}

TEST(RightsTest, AllAdminRightsOpenTheFourMenus) {
  EXPECT_EQ(MenusFor("admin", KnownRightNames("admin")),
            (std::vector<std::string>{"tokens", "users", "config", "audit"}));
  EXPECT_EQ(MenusFor("user", KnownRightNames("user")),
            (std::vector<std::string>{"tokens", "users", "audit"}));
}

}  // namespace
}  // namespace osprey::mfa::auth
