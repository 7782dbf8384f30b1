// Test support for mfa/token (header-only, so the module glob leaves it out): a migrated database per test on
// each engine with the users, system and token tables, realm1 (default) with the sql resolver res1 and the
// users alice and bob, and a TokenStore / TokenService over them.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "libs/core/src/test_keys.hpp"
#include "mfa/system/system_config.hpp"
#include "mfa/token/token_service.hpp"
#include "mfa/token/token_store.hpp"
#include "mfa/users/test_users.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/core/encoding.hpp"

namespace osprey::mfa::token::testing {

inline crypto::KeyRing TestRing(const std::string& id) { return crypto::testing::RandomRing(id); }

inline const char* const kRfcKeyHex = "3132333435363738393031323334353637383930";

class TokensTest : public users::testing::UsersTest {
 protected:
  void SetUp() override {
    UsersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    for (const sql::MigrationSet* set : {&TokenMigrations(), &system::SystemMigrations()}) {
      auto applied = sql::ApplyMigrations(*db_, *set);
      ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    }
    AddSqlResolver("res1");
    AddRealm("realm1", {{"res1", "sql", 1}});
    CreateOrDie("res1", "alice");
    CreateOrDie("res1", "bob");
    alice_ = FindOrDie("alice");
    bob_ = FindOrDie("bob");
    RegisterBuiltinTokenTypes(token_types_);
    config_ = std::make_unique<system::SystemConfig>(*db_, clock_, sealer_);
    store_ = std::make_unique<TokenStore>(*db_, sealer_, hasher_, clock_);
    service_ = std::make_unique<TokenService>(*store_, token_types_, *config_, *directory_, clock_);
  }

  users::User FindOrDie(const std::string& login) {
    auto user = directory_->Find(login, "realm1");
    EXPECT_TRUE(user.ok() && user->has_value()) << login;
    return user.ok() && user->has_value() ? **user : users::User{};
  }

  Secret RfcKey() const { return Secret(*HexDecode(kRfcKeyHex)); }

  // A stored HOTP token with the RFC key, optionally owned by `owner`.
  TokenRecord AddHotp(const std::string& serial, const users::User* owner = nullptr,
                      const std::optional<Secret>& pin = std::nullopt) {
    TokenRecord r;
    r.serial = serial;
    r.tokentype = "hotp";
    r.info = {{"hashlib", "sha1"}, {"tokenkind", "software"}};
    if (owner != nullptr) {
      r.user_id = owner->info.uid;
      r.resolver = owner->resolver;
      r.user_realm = owner->realm;
      r.realms = {owner->realm};
    }
    auto id = store_->Create(r, RfcKey(), pin);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    r.id = id.ok() ? *id : 0;
    return r;
  }

  TokenRecord GetOrDie(const std::string& serial) {
    auto r = store_->Get(serial);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_TRUE(r.ok() && r->has_value()) << serial;
    return r.ok() && r->has_value() ? **r : TokenRecord{};
  }

  crypto::Sealer sealer_{TestRing("s1")};
  crypto::KeyedHasher hasher_{TestRing("h1")};
  TokenTypes token_types_;
  std::unique_ptr<system::SystemConfig> config_;
  std::unique_ptr<TokenStore> store_;
  std::unique_ptr<TokenService> service_;
  users::User alice_, bob_;
};

}  // namespace osprey::mfa::token::testing
