#include "smsgw/accounts/authenticator.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "smsgw/accounts/test_accounts.hpp"

namespace osprey::smsgw::accounts {
namespace {

using testing::AccountsTest;

class AuthenticatorTest : public AccountsTest {};
OSPREY_INSTANTIATE_FOR_ENGINES(AuthenticatorTest);

TEST_P(AuthenticatorTest, ApiV2TokenGivesThePrincipal) {
  const User user = AddOrDie("svc", UserFlags{false, true, false, true});
  ASSERT_TRUE(store_->Permit("svc", {"messages.send_sms"}, {}).ok());
  const std::string token = TokenOrDie("svc", TokenKind::kApiV2);
  auto principal = auth_->AuthenticateApiV2(token);
  ASSERT_TRUE(principal.ok()) << principal.error().ToString();
  EXPECT_EQ(principal->user_id, user.id);
  EXPECT_EQ(principal->username, "svc");
  EXPECT_EQ(principal->access_level, AccessLevel::kUser);
  EXPECT_TRUE(principal->all_resources);
  EXPECT_TRUE(principal->Has(Permission::kMessagesSendSms));
  EXPECT_FALSE(principal->Has(Permission::kMessagesRead));
}

TEST_P(AuthenticatorTest, MissingMalformedAndUnknownTokensAreUnauthenticated) {
  AddOrDie("svc");
  const std::string token = TokenOrDie("svc", TokenKind::kApiV2);
  for (const std::string& bad : {std::string(), std::string("x"), token.substr(1), token + "A",
                                 std::string(10000, 'A'), std::string("h1:k1:") + token}) {
    auto principal = auth_->AuthenticateApiV2(bad);
    ASSERT_FALSE(principal.ok());
    EXPECT_EQ(principal.error().code(), ErrorCode::kUnauthenticated);
  }
}

TEST_P(AuthenticatorTest, ErrorMessagesNeverContainTheToken) {
  AddOrDie("svc");
  const std::string token = TokenOrDie("svc", TokenKind::kApiV2);
  auto wrong_kind = auth_->AuthenticateApiV1Token(token);
  ASSERT_FALSE(wrong_kind.ok());
  EXPECT_EQ(wrong_kind.error().message().find(token), std::string::npos);
  auto password = auth_->AuthenticateApiV1Password("svc", Secret(token));
  ASSERT_FALSE(password.ok());
  EXPECT_EQ(password.error().message().find(token), std::string::npos);
}

TEST_P(AuthenticatorTest, ApiV1AndApiV2TokensAreSeparate) {
  AddOrDie("both", UserFlags{true, true, false, false});
  const std::string v1 = TokenOrDie("both", TokenKind::kApiV1);
  const std::string v2 = TokenOrDie("both", TokenKind::kApiV2);
  EXPECT_TRUE(auth_->AuthenticateApiV1Token(v1).ok());
  EXPECT_TRUE(auth_->AuthenticateApiV2(v2).ok());
  EXPECT_EQ(auth_->AuthenticateApiV2(v1).error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(auth_->AuthenticateApiV1Token(v2).error().code(), ErrorCode::kUnauthenticated);
}

TEST_P(AuthenticatorTest, DisabledApiIsUnauthenticatedUntilEnabled) {
  AddOrDie("off", UserFlags{false, false, false, false});
  const std::string v2 = TokenOrDie("off", TokenKind::kApiV2);
  const std::string v1 = TokenOrDie("off", TokenKind::kApiV1);
  EXPECT_EQ(auth_->AuthenticateApiV2(v2).error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(auth_->AuthenticateApiV1Token(v1).error().code(), ErrorCode::kUnauthenticated);
  UserChanges enable;
  enable.apiv2_enabled = true;
  ASSERT_TRUE(store_->SetUser("off", enable).ok());
  EXPECT_TRUE(auth_->AuthenticateApiV2(v2).ok());
  EXPECT_EQ(auth_->AuthenticateApiV1Token(v1).error().code(), ErrorCode::kUnauthenticated);
}

TEST_P(AuthenticatorTest, PermissionsAreGrantedDeniedAndAdminsHaveAll) {
  AddOrDie("limited");
  const std::string token = TokenOrDie("limited", TokenKind::kApiV2);
  EXPECT_FALSE(auth_->AuthenticateApiV2(token)->Has(Permission::kMessagesSendSms));
  ASSERT_TRUE(store_->Permit("limited", {"messages.send_sms", "modem.read"}, {}).ok());
  auto principal = auth_->AuthenticateApiV2(token);
  ASSERT_TRUE(principal.ok());
  EXPECT_TRUE(principal->Has(Permission::kMessagesSendSms));
  EXPECT_TRUE(principal->Has(Permission::kModemRead));
  EXPECT_FALSE(principal->Has(Permission::kModemWrite));
  EXPECT_FALSE(principal->all_resources);

  // Permissions belong to the user, so a regenerated token keeps them.
  const std::string regenerated = TokenOrDie("limited", TokenKind::kApiV2);
  EXPECT_TRUE(auth_->AuthenticateApiV2(regenerated)->Has(Permission::kModemRead));

  ASSERT_TRUE(store_->Permit("limited", {}, {"modem.read"}).ok());
  EXPECT_FALSE(auth_->AuthenticateApiV2(regenerated)->Has(Permission::kModemRead));

  UserChanges promote;
  promote.access_level = AccessLevel::kAdmin;
  ASSERT_TRUE(store_->SetUser("limited", promote).ok());
  principal = auth_->AuthenticateApiV2(regenerated);
  ASSERT_TRUE(principal.ok());
  EXPECT_TRUE(principal->all_resources);
  for (const Permission p : AllPermissions()) EXPECT_TRUE(principal->Has(p)) << PermissionName(p);
}

TEST_P(AuthenticatorTest, ApiV1PasswordOnlyWhenEnabled) {
  const UserFlags flags{true, false, false, false};
  ASSERT_TRUE(store_->AddUser("legacy", AccessLevel::kUser, flags, Secret("pa55word")).ok());
  const auto code = [&](const char* login, const char* pass) {
    auto principal = auth_->AuthenticateApiV1Password(login, Secret(pass));
    return principal.ok() ? std::string("ok") : std::string(ErrorCodeName(principal.error().code()));
  };
  EXPECT_EQ(code("legacy", "pa55word"), "unauthenticated");  // password access off

  UserChanges allow;
  allow.password_access = true;
  ASSERT_TRUE(store_->SetUser("legacy", allow).ok());
  EXPECT_EQ(code("legacy", "pa55word"), "ok");
  EXPECT_EQ(code("legacy", "pa55worD"), "unauthenticated");
  EXPECT_EQ(code("legacy", ""), "unauthenticated");
  EXPECT_EQ(code("nobody", "pa55word"), "unauthenticated");
  EXPECT_EQ(code("", "pa55word"), "unauthenticated");

  UserChanges no_v1;
  no_v1.apiv1_enabled = false;
  ASSERT_TRUE(store_->SetUser("legacy", no_v1).ok());
  EXPECT_EQ(code("legacy", "pa55word"), "unauthenticated");

  UserChanges v1_no_password;
  v1_no_password.apiv1_enabled = true;
  v1_no_password.clear_password = true;
  ASSERT_TRUE(store_->SetUser("legacy", v1_no_password).ok());
  EXPECT_EQ(code("legacy", "pa55word"), "unauthenticated");
}

TEST_P(AuthenticatorTest, StoredPasswordIsAnArgon2Hash) {
  ASSERT_TRUE(
      store_->AddUser("legacy", AccessLevel::kUser, UserFlags{true, false, true, false}, Secret("pa55word"))
          .ok());
  auto lease = db_->Acquire();
  ASSERT_TRUE(lease.ok());
  std::string stored;
  lease->get() << "SELECT password_hash FROM gateway_users WHERE username = 'legacy'", soci::into(stored);
  EXPECT_EQ(stored.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(stored.find("pa55word"), std::string::npos);
}

TEST_P(AuthenticatorTest, TokensMadeUnderAnOlderKeyStillAuthenticateAfterRotation) {
  AddOrDie("rot");
  const std::string old_token = TokenOrDie("rot", TokenKind::kApiV2);
  crypto::KeyRing ring = testing::RingOf("k1", key1_);
  ASSERT_TRUE(ring.Add("k2", crypto::RandomSecret(crypto::KeyRing::kKeySize)).ok());
  const crypto::KeyedHasher rotated(std::move(ring));
  const Authenticator auth(*db_, rotated, crypto::PasswordOptions::Minimum());
  EXPECT_TRUE(auth.AuthenticateApiV2(old_token).ok());

  AccountStore store(*db_, rotated, clock_, AccountStoreOptions{crypto::PasswordOptions::Minimum()});
  auto fresh = store.GenerateToken("rot", TokenKind::kApiV2);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(auth.AuthenticateApiV2(fresh->view()).ok());
  EXPECT_EQ(auth.AuthenticateApiV2(old_token).error().code(), ErrorCode::kUnauthenticated);
  // The old ring lacks k2: the new token is unknown to it.
  EXPECT_EQ(auth_->AuthenticateApiV2(fresh->view()).error().code(), ErrorCode::kUnauthenticated);
}

TEST_P(AuthenticatorTest, ConcurrentGenerationLeavesExactlyOneActiveToken) {
  AddOrDie("race");
  constexpr int kThreads = 4;
  constexpr int kRounds = 3;
  std::mutex mu;
  std::vector<std::string> issued;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        auto token = store_->GenerateToken("race", TokenKind::kApiV2);
        std::lock_guard<std::mutex> lock(mu);
        if (token.ok()) {
          issued.emplace_back(token->view());
        } else {
          // Only an exhausted retry budget is acceptable under contention.
          EXPECT_EQ(token.error().code(), ErrorCode::kUnavailable) << token.error().ToString();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_FALSE(issued.empty());

  auto lease = db_->Acquire();
  ASSERT_TRUE(lease.ok());
  int active = 0;
  int total = 0;
  lease->get() << "SELECT COUNT(*) FROM gateway_api_tokens WHERE revoked_at IS NULL", soci::into(active);
  lease->get() << "SELECT COUNT(*) FROM gateway_api_tokens", soci::into(total);
  EXPECT_EQ(active, 1);
  EXPECT_EQ(total, static_cast<int>(issued.size()));
  int authenticating = 0;
  for (const std::string& token : issued) authenticating += auth_->AuthenticateApiV2(token).ok() ? 1 : 0;
  EXPECT_EQ(authenticating, 1);
}

class CachingAuthenticatorTest : public AccountsTest {
 protected:
  Authenticator Caching(std::size_t capacity = 4096) const {
    return Authenticator(*db_, hasher_, crypto::PasswordOptions::Minimum(),
                         AuthCacheOptions{std::chrono::milliseconds(1000), &clock_, capacity});
  }
};
OSPREY_INSTANTIATE_FOR_ENGINES(CachingAuthenticatorTest);

TEST_P(CachingAuthenticatorTest, ARevokeActsOnceTheTtlHasPassed) {
  AddOrDie("svc");
  ASSERT_TRUE(store_->Permit("svc", {"messages.send_sms"}, {}).ok());
  const std::string token = TokenOrDie("svc", TokenKind::kApiV2);
  const Authenticator auth = Caching();
  ASSERT_TRUE(auth.AuthenticateApiV2(token).ok());
  ASSERT_TRUE(store_->RevokeToken("svc", TokenKind::kApiV2).ok());
  clock_.Advance(std::chrono::milliseconds(999));
  EXPECT_TRUE(auth.AuthenticateApiV2(token).ok());     // still cached
  EXPECT_FALSE(auth_->AuthenticateApiV2(token).ok());  // an uncached authenticator sees the revoke at once
  clock_.Advance(std::chrono::milliseconds(1));
  auto revoked = auth.AuthenticateApiV2(token);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().code(), ErrorCode::kUnauthenticated);
}

TEST_P(CachingAuthenticatorTest, PermissionChangesActAfterTheTtlAndKindsAreCachedApart) {
  AddOrDie("svc", UserFlags{true, true, false, false});
  const std::string v2 = TokenOrDie("svc", TokenKind::kApiV2);
  const std::string v1 = TokenOrDie("svc", TokenKind::kApiV1);
  const Authenticator auth = Caching();
  EXPECT_FALSE(auth.AuthenticateApiV2(v2)->Has(Permission::kModemRead));
  EXPECT_TRUE(auth.AuthenticateApiV1Token(v1).ok());
  EXPECT_FALSE(auth.AuthenticateApiV1Token(v2).ok());  // the v2 entry does not answer for APIv1
  ASSERT_TRUE(store_->Permit("svc", {"modem.read"}, {}).ok());
  EXPECT_FALSE(auth.AuthenticateApiV2(v2)->Has(Permission::kModemRead));
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(auth.AuthenticateApiV2(v2)->Has(Permission::kModemRead));
}

TEST_P(CachingAuthenticatorTest, FailuresAreNotCachedAndAClockSetBackReReads) {
  AddOrDie("off", UserFlags{false, false, false, false});
  const std::string token = TokenOrDie("off", TokenKind::kApiV2);
  const Authenticator auth = Caching();
  EXPECT_FALSE(auth.AuthenticateApiV2(token).ok());
  UserChanges enable;
  enable.apiv2_enabled = true;
  ASSERT_TRUE(store_->SetUser("off", enable).ok());
  ASSERT_TRUE(auth.AuthenticateApiV2(token).ok());  // the failure above was not remembered

  ASSERT_TRUE(store_->RevokeToken("off", TokenKind::kApiV2).ok());
  clock_.Advance(-std::chrono::seconds(10));  // wall clock set back: the entry is stale, not immortal
  EXPECT_FALSE(auth.AuthenticateApiV2(token).ok());
}

TEST_P(CachingAuthenticatorTest, AFullCacheStillAnswersEveryTokenCorrectly) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 5; ++i) {
    const std::string name = "u" + std::to_string(i);
    AddOrDie(name);
    tokens.push_back(TokenOrDie(name, TokenKind::kApiV2));
  }
  const Authenticator auth = Caching(2);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5; ++i) {
      auto principal = auth.AuthenticateApiV2(tokens[static_cast<std::size_t>(i)]);
      ASSERT_TRUE(principal.ok());
      EXPECT_EQ(principal->username, "u" + std::to_string(i));
    }
  }
}

}  // namespace
}  // namespace osprey::smsgw::accounts
