// Test support for the accounts tests (header-only, so the module glob leaves it out): a migrated database
// per test on each engine, with an AccountStore and an Authenticator over it.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "libs/core/src/test_keys.hpp"
#include "libs/sql/src/test_db.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/sql/migrations.hpp"
#include "smsgw/accounts/account_store.hpp"
#include "smsgw/accounts/authenticator.hpp"
#include "smsgw/accounts/schema.hpp"

namespace osprey::smsgw::accounts::testing {

using crypto::testing::RingOf;

class AccountsTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie();
    ASSERT_NE(db_, nullptr);
    auto applied = sql::ApplyMigrations(*db_, AccountMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    store_ = std::make_unique<AccountStore>(*db_, hasher_, clock_,
                                            AccountStoreOptions{crypto::PasswordOptions::Minimum()});
    auth_ = std::make_unique<Authenticator>(*db_, hasher_, crypto::PasswordOptions::Minimum());
  }

  // Adds a plain user with APIv2 enabled (and `flags` otherwise), failing the test on error.
  User AddOrDie(const std::string& name, UserFlags flags = {}) {
    auto user = store_->AddUser(name, AccessLevel::kUser, flags);
    EXPECT_TRUE(user.ok()) << user.error().ToString();
    return user.ok() ? std::move(*user) : User{};
  }

  std::string TokenOrDie(const std::string& name, TokenKind kind) {
    auto token = store_->GenerateToken(name, kind);
    EXPECT_TRUE(token.ok()) << token.error().ToString();
    return token.ok() ? std::string(token->view()) : std::string();
  }

  const Secret key1_ = crypto::RandomSecret(crypto::KeyRing::kKeySize);
  const crypto::KeyedHasher hasher_{RingOf("k1", key1_)};
  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(1'700'000'000))};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<AccountStore> store_;
  std::unique_ptr<Authenticator> auth_;
};

}  // namespace osprey::smsgw::accounts::testing
