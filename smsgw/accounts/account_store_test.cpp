#include "smsgw/accounts/account_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smsgw/accounts/test_accounts.hpp"

namespace osprey::smsgw::accounts {
namespace {

using testing::AccountsTest;

class AccountStoreTest : public AccountsTest {};
OSPREY_INSTANTIATE_FOR_ENGINES(AccountStoreTest);

TEST_P(AccountStoreTest, MigrationsApplyOnceAndAgainIsANoOp) {
  auto again = sql::ApplyMigrations(*db_, AccountMigrations());
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(*sql::CurrentVersion(*db_, "smsgw_accounts"), 1);
}

TEST_P(AccountStoreTest, AddListGetRemoveUsers) {
  const UserFlags flags{true, false, true, true};
  auto bob = store_->AddUser("bob", AccessLevel::kAdmin, flags, Secret("correct horse"));
  ASSERT_TRUE(bob.ok()) << bob.error().ToString();
  EXPECT_GT(bob->id, 0);
  EXPECT_EQ(bob->username, "bob");
  EXPECT_EQ(bob->access_level, AccessLevel::kAdmin);
  EXPECT_EQ(bob->flags, flags);
  EXPECT_TRUE(bob->has_password);
  EXPECT_FALSE(bob->has_apiv1_token);
  EXPECT_FALSE(bob->has_apiv2_token);
  EXPECT_EQ(bob->created_at, clock_.Now());
  EXPECT_TRUE(bob->permissions.empty());
  AddOrDie("alice");

  auto users = store_->ListUsers();
  ASSERT_TRUE(users.ok()) << users.error().ToString();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].username, "alice");
  EXPECT_EQ((*users)[0].flags, UserFlags{});
  EXPECT_FALSE((*users)[0].has_password);
  EXPECT_EQ((*users)[1].username, "bob");

  auto got = store_->GetUser("bob");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->id, bob->id);
  EXPECT_EQ(got->flags, flags);

  ASSERT_TRUE(store_->RemoveUser("bob").ok());
  EXPECT_EQ(store_->GetUser("bob").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->RemoveUser("bob").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListUsers()->size(), 1u);
}

TEST_P(AccountStoreTest, DuplicateUsernameIsAlreadyExists) {
  AddOrDie("alice");
  auto again = store_->AddUser("alice", AccessLevel::kAdmin, UserFlags{});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->ListUsers()->size(), 1u);
}

TEST_P(AccountStoreTest, InvalidInputIsRejected) {
  EXPECT_EQ(store_->AddUser("", AccessLevel::kUser, {}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->AddUser("a b", AccessLevel::kUser, {}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->AddUser("carol", AccessLevel::kUser, {}, Secret("")).error().code(),
            ErrorCode::kInvalidArgument);
  AddOrDie("carol");
  UserChanges both;
  both.password = Secret("pw");
  both.clear_password = true;
  EXPECT_EQ(store_->SetUser("carol", both).error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(AccountStoreTest, UnknownUserIsNotFoundEverywhere) {
  EXPECT_EQ(store_->GetUser("nobody").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->SetUser("nobody", {}).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->GenerateToken("nobody", TokenKind::kApiV2).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->RevokeToken("nobody", TokenKind::kApiV2).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store_->Permit("nobody", {"messages.read"}, {}).error().code(), ErrorCode::kNotFound);
}

TEST_P(AccountStoreTest, SetUserChangesOnlyWhatIsGiven) {
  AddOrDie("dave");
  UserChanges changes;
  changes.access_level = AccessLevel::kAdmin;
  changes.apiv1_enabled = true;
  changes.password = Secret("s3cret-pass");
  auto changed = store_->SetUser("dave", changes);
  ASSERT_TRUE(changed.ok()) << changed.error().ToString();
  EXPECT_EQ(changed->access_level, AccessLevel::kAdmin);
  EXPECT_EQ(changed->flags, (UserFlags{true, true, false, false}));
  EXPECT_TRUE(changed->has_password);

  UserChanges clear;
  clear.clear_password = true;
  clear.apiv2_enabled = false;
  changed = store_->SetUser("dave", clear);
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(changed->has_password);
  EXPECT_EQ(changed->flags, (UserFlags{true, false, false, false}));
  EXPECT_EQ(store_->GetUser("dave")->access_level, AccessLevel::kAdmin);
}

TEST_P(AccountStoreTest, PermitGrantsAndRevokes) {
  AddOrDie("erin");
  auto held = store_->Permit("erin", {"messages.send_sms", "messages.read", "messages.read"}, {});
  ASSERT_TRUE(held.ok()) << held.error().ToString();
  EXPECT_EQ(*held, (PermissionSet{Permission::kMessagesSendSms, Permission::kMessagesRead}));
  held = store_->Permit("erin", {"apiv1.signal", "messages.send_sms"}, {"messages.read", "modem.write"});
  ASSERT_TRUE(held.ok()) << held.error().ToString();
  EXPECT_EQ(*held, (PermissionSet{Permission::kMessagesSendSms, Permission::kApiV1Signal}));
  EXPECT_EQ(store_->GetUser("erin")->permissions, *held);
}

TEST_P(AccountStoreTest, PermitWithAnUnknownNameChangesNothing) {
  AddOrDie("frank");
  auto held = store_->Permit("frank", {"messages.read", "messages.sendsms"}, {});
  ASSERT_FALSE(held.ok());
  EXPECT_EQ(held.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(held.error().message().find("messages.sendsms"), std::string::npos);
  EXPECT_NE(held.error().message().find("messages.send_sms, messages.send_sms_single"), std::string::npos);
  EXPECT_TRUE(store_->GetUser("frank")->permissions.empty());
  EXPECT_EQ(store_->Permit("frank", {"modem.read"}, {"modem.read"}).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(AccountStoreTest, GenerateShowsATokenOnceAndStoresOnlyItsKeyedHash) {
  AddOrDie("gina");
  const std::string token = TokenOrDie("gina", TokenKind::kApiV2);
  EXPECT_EQ(token.size(), 43u);  // 32 bytes, base64url without padding
  EXPECT_TRUE(store_->GetUser("gina")->has_apiv2_token);
  EXPECT_FALSE(store_->GetUser("gina")->has_apiv1_token);

  auto lease = db_->Acquire();
  ASSERT_TRUE(lease.ok());
  soci::rowset<soci::row> rows = (lease->get().prepare << "SELECT token_hash, kind FROM gateway_api_tokens");
  int count = 0;
  for (const soci::row& row : rows) {
    ++count;
    const std::string stored = row.get<std::string>(0);
    EXPECT_EQ(stored.find(token), std::string::npos);
    EXPECT_EQ(stored.rfind("h1:k1:", 0), 0u);
    EXPECT_TRUE(hasher_.Verify(token, stored, "apiv2"));
    EXPECT_FALSE(hasher_.Verify(token, stored, "apiv1"));
    EXPECT_EQ(row.get<std::string>(1), "apiv2");
  }
  EXPECT_EQ(count, 1);
}

TEST_P(AccountStoreTest, RegenerateRevokesThePreviousTokenOfThatKindOnly) {
  AddOrDie("hank", UserFlags{true, true, false, false});
  const std::string v1 = TokenOrDie("hank", TokenKind::kApiV1);
  const std::string first = TokenOrDie("hank", TokenKind::kApiV2);
  clock_.Advance(std::chrono::seconds(5));
  const std::string second = TokenOrDie("hank", TokenKind::kApiV2);
  EXPECT_NE(first, second);
  EXPECT_EQ(auth_->AuthenticateApiV2(first).error().code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(auth_->AuthenticateApiV2(second).ok());
  EXPECT_TRUE(auth_->AuthenticateApiV1Token(v1).ok());

  auto lease = db_->Acquire();
  ASSERT_TRUE(lease.ok());
  long long revoked_at = 0;
  lease->get() << "SELECT MAX(revoked_at) FROM gateway_api_tokens WHERE kind = 'apiv2'",
      soci::into(revoked_at);
  EXPECT_EQ(revoked_at, 1'700'000'005);
}

TEST_P(AccountStoreTest, RevokeTokenStopsItAndASecondRevokeIsNotFound) {
  AddOrDie("ivan");
  const std::string token = TokenOrDie("ivan", TokenKind::kApiV2);
  ASSERT_TRUE(store_->RevokeToken("ivan", TokenKind::kApiV2).ok());
  EXPECT_EQ(auth_->AuthenticateApiV2(token).error().code(), ErrorCode::kUnauthenticated);
  EXPECT_FALSE(store_->GetUser("ivan")->has_apiv2_token);
  EXPECT_EQ(store_->RevokeToken("ivan", TokenKind::kApiV2).error().code(), ErrorCode::kNotFound);
}

TEST_P(AccountStoreTest, RemovedUsersTokensStopWorkingAndTheNameCanBeReused) {
  AddOrDie("judy");
  ASSERT_TRUE(store_->Permit("judy", {"messages.read"}, {}).ok());
  const std::string token = TokenOrDie("judy", TokenKind::kApiV2);
  ASSERT_TRUE(store_->RemoveUser("judy").ok());
  EXPECT_EQ(auth_->AuthenticateApiV2(token).error().code(), ErrorCode::kUnauthenticated);
  const User again = AddOrDie("judy");
  EXPECT_TRUE(again.permissions.empty());
  EXPECT_FALSE(again.has_apiv2_token);
  EXPECT_EQ(auth_->AuthenticateApiV2(token).error().code(), ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace osprey::smsgw::accounts
