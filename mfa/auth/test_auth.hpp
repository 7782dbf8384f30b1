// Test support for the auth tests (header-only, so the module glob leaves it out): a migrated database per
// test on each engine (users, policies, admins), a Directory with realm1 = [res1 (sql)], a PolicyEngine, an
// AdminStore and an AuthService over them, on a FakeClock.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "libs/core/src/test_keys.hpp"
#include "libs/sql/src/test_db.hpp"
#include "mfa/auth/auth.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/sql/migrations.hpp"

namespace osprey::mfa::auth::testing {

using crypto::testing::RingOf;

class AuthTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie();
    ASSERT_NE(db_, nullptr);
    for (const sql::MigrationSet* set :
         {&users::UsersMigrations(), &policy::PolicyMigrations(), &AuthMigrations()}) {
      auto applied = sql::ApplyMigrations(*db_, *set);
      ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    }
    users::RegisterBuiltinResolverTypes(types_);
    users::DirectoryOptions dir_options;
    dir_options.password_options = crypto::PasswordOptions::Minimum();
    directory_ = std::make_unique<users::Directory>(*db_, clock_, types_, dir_options);
    policies_ = std::make_unique<policy::PolicyEngine>(*db_, clock_);
    admins_ = std::make_unique<AdminStore>(*db_, clock_, crypto::PasswordOptions::Minimum());
    auth_ = std::make_unique<AuthService>(*admins_, *directory_, *policies_, clock_, ring_);
  }

  // realm1 (the default realm) with the sql resolver res1 holding alice (password "alicepw").
  void AddRealmWithAlice() {
    users::ResolverDefinition def;
    def.name = "res1";
    def.type = "sql";
    auto resolver = directory_->SetResolver(def);
    ASSERT_TRUE(resolver.ok()) << resolver.error().ToString();
    auto realm = directory_->SetRealm("realm1", {{"res1", "sql", 1}});
    ASSERT_TRUE(realm.ok()) << realm.error().ToString();
    users::UserInfo alice;
    alice.username = "alice";
    alice.givenname = "Cornelius";
    auto created = directory_->CreateUser("res1", alice, Secret("alicepw"));
    ASSERT_TRUE(created.ok()) << created.error().ToString();
  }

  void AddAdmin(const std::string& name, const std::string& password) {
    Status added = admins_->Add(name, Secret(password));
    ASSERT_TRUE(added.ok()) << added.error().ToString();
  }

  const Secret key1_ = crypto::RandomSecret(crypto::KeyRing::kKeySize);
  const crypto::KeyRing ring_ = RingOf("k1", key1_);
  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(1'700'000'000))};
  std::unique_ptr<sql::Database> db_;
  users::ResolverTypes types_;
  std::unique_ptr<users::Directory> directory_;
  std::unique_ptr<policy::PolicyEngine> policies_;
  std::unique_ptr<AdminStore> admins_;
  std::unique_ptr<AuthService> auth_;
};

}  // namespace osprey::mfa::auth::testing
