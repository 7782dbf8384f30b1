#include "smsgw/accounts/permission.hpp"

#include <gtest/gtest.h>

#include <string>

#include "smsgw/accounts/account.hpp"

namespace osprey::smsgw::accounts {
namespace {

// The identifiers of spec §3.3, in the enum's order.
TEST(PermissionTest, NamesAreTheSpecIdentifiers) {
  const char* const kNames[] = {"messages.send_sms", "messages.send_sms_single",
                                "messages.read",     "messages.delete",
                                "messages.modify",   "modem.read",
                                "modem.write",       "phonebook.read",
                                "phonebook.write",   "apiv1.send",
                                "apiv1.read",        "apiv1.delete",
                                "apiv1.lengths",     "apiv1.signal"};
  ASSERT_EQ(AllPermissions().size(), std::size(kNames));
  for (std::size_t i = 0; i < std::size(kNames); ++i) {
    const Permission p = AllPermissions()[i];
    EXPECT_EQ(PermissionName(p), kNames[i]);
    auto parsed = ParsePermission(kNames[i]);
    ASSERT_TRUE(parsed.ok()) << kNames[i];
    EXPECT_EQ(*parsed, p);
  }
}

TEST(PermissionTest, UnknownNameListsTheValidOnes) {
  for (const char* bad : {"", "messages.send", "MESSAGES.SEND_SMS", "apiv1.*", "messages.send_sms "}) {
    auto parsed = ParsePermission(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message().find("messages.send_sms, messages.send_sms_single"),
              std::string::npos);
    EXPECT_NE(parsed.error().message().find("apiv1.signal"), std::string::npos);
  }
}

TEST(PermissionTest, AccessLevelsAndTokenKindsRoundTrip) {
  EXPECT_EQ(*ParseAccessLevel(AccessLevelName(AccessLevel::kUser)), AccessLevel::kUser);
  EXPECT_EQ(*ParseAccessLevel(AccessLevelName(AccessLevel::kAdmin)), AccessLevel::kAdmin);
  EXPECT_EQ(ParseAccessLevel("root").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(*ParseTokenKind("apiv1"), TokenKind::kApiV1);
  EXPECT_EQ(*ParseTokenKind("apiv2"), TokenKind::kApiV2);
  EXPECT_EQ(ParseTokenKind("v2").error().code(), ErrorCode::kInvalidArgument);
}

TEST(PermissionTest, PrincipalHasGrantedPermissionsAndAdminHasAll) {
  Principal user;
  user.permissions = {Permission::kMessagesSendSms};
  EXPECT_TRUE(user.Has(Permission::kMessagesSendSms));
  EXPECT_FALSE(user.Has(Permission::kMessagesRead));
  Principal admin;
  admin.access_level = AccessLevel::kAdmin;
  for (const Permission p : AllPermissions()) EXPECT_TRUE(admin.Has(p)) << PermissionName(p);
}

TEST(PermissionTest, UsernameRules) {
  for (const char* good : {"a", "privacyidea", "svc.sms-1", "ops@example.org", "A_B"}) {
    EXPECT_TRUE(IsValidUsername(good)) << good;
  }
  for (const char* bad : {"", "with space", "tab\t", "semi;colon", "ü", "a:b"}) {
    EXPECT_FALSE(IsValidUsername(bad)) << bad;
  }
  EXPECT_TRUE(IsValidUsername(std::string(64, 'x')));
  EXPECT_FALSE(IsValidUsername(std::string(65, 'x')));
}

}  // namespace
}  // namespace osprey::smsgw::accounts
