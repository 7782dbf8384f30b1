// Test support for mfa/validate (header-only, so the module glob leaves it out): the token fixture (realm1
// with res1, alice and bob) plus policies, audit and a Validator, on each engine.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "mfa/audit/audit_log.hpp"
#include "mfa/policy/policy.hpp"
#include "mfa/token/test_tokens.hpp"
#include "mfa/validate/validator.hpp"
#include "osprey/core/otp.hpp"

namespace osprey::mfa::validate::testing {

class ValidateTest : public token::testing::TokensTest {
 protected:
  void SetUp() override {
    TokensTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    for (const sql::MigrationSet* set : {&policy::PolicyMigrations(), &audit::AuditMigrations()}) {
      auto applied = sql::ApplyMigrations(*db_, *set);
      ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    }
    policies_ = std::make_unique<policy::PolicyEngine>(*db_, clock_);
    audit_ = std::make_unique<audit::AuditLog>(*db_, clock_, audit_keys_);
    validator_ = NewValidator(ValidatorOptions{});
  }

  void TearDown() override {
    validator_.reset();
    TokensTest::TearDown();
  }

  std::unique_ptr<Validator> NewValidator(ValidatorOptions options) {
    return std::make_unique<Validator>(*store_, token_types_, *config_, *policies_, *directory_, *audit_,
                                       clock_, options);
  }

  static CheckRequest UserPass(const std::string& user, const std::string& pass) {
    CheckRequest r;
    r.user = user;
    r.pass = Secret(pass);
    r.client = "10.0.0.1";
    return r;
  }
  static CheckRequest SerialPass(const std::string& serial, const std::string& pass) {
    CheckRequest r;
    r.serial = serial;
    r.pass = Secret(pass);
    return r;
  }

  CheckResult CheckOk(const CheckRequest& request) {
    auto result = validator_->Check(request);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? std::move(*result) : CheckResult{};
  }
  PiError CheckError(const CheckRequest& request) {
    auto result = validator_->Check(request);
    EXPECT_FALSE(result.ok());
    return result.ok() ? PiError{} : result.error();
  }

  void SetPolicy(const std::string& name, std::map<std::string, std::string> actions) {
    policy::Policy p;
    p.name = name;
    p.scope = std::string(policy::kScopeAuth);
    p.actions = std::move(actions);
    auto id = policies_->Set(p);
    ASSERT_TRUE(id.ok()) << id.error().ToString();
  }

  void SetConfig(const std::string& key, const std::string& value) {
    auto set = config_->Set(key, value);
    ASSERT_TRUE(set.ok()) << set.error().ToString();
  }

  token::TokenRecord AddPinnedHotp(const std::string& serial, const users::User& owner,
                                   const std::string& pin = "pin") {
    return AddHotp(serial, &owner, Secret(pin));
  }

  std::vector<audit::AuditEntry> AuditEntries() {
    audit::AuditFilter filter;
    filter.page_size = 1000;
    filter.sortorder = "asc";
    auto page = audit_->Query(filter);
    EXPECT_TRUE(page.ok()) << page.error().ToString();
    return page.ok() ? page->entries : std::vector<audit::AuditEntry>{};
  }

  crypto::KeyRing audit_keys_{token::testing::TestRing("a1")};
  std::unique_ptr<policy::PolicyEngine> policies_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<Validator> validator_;
};

}  // namespace osprey::mfa::validate::testing
