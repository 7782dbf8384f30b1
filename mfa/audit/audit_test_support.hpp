// Test support for the audit tests (header-only, so the module glob leaves it out): a migrated database per
// test on each engine with an AuditLog over it, and helpers that tamper with the table behind its back.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "libs/sql/src/test_db.hpp"
#include "mfa/audit/audit_log.hpp"
#include "osprey/core/crypto.hpp"
#include "osprey/sql/migrations.hpp"
#include "osprey/sql/rows.hpp"

namespace osprey::mfa::audit::testing {

inline crypto::KeyRing Ring(const std::vector<std::pair<std::string, const Secret*>>& keys) {
  crypto::KeyRing ring;
  for (const auto& [id, key] : keys) {
    if (!ring.Add(id, key->Clone()).ok()) throw std::logic_error("bad test key");
  }
  return ring;
}

inline AuditEntry Sample(const std::string& action, const std::string& user = "alice", bool success = true) {
  AuditEntry e;
  e.action = action;
  e.success = success;
  e.user = user;
  e.realm = "realm1";
  e.resolver = "res1";
  e.serial = "OATH0001";
  e.token_type = "hotp";
  e.client = "10.0.0.1";
  e.info = "matching 1 tokens";
  e.authentication = success ? "ACCEPT" : "REJECT";
  return e;
}

class AuditTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    sql::DatabaseOptions options = SmallPool();
    options.pool_size = 6;
    db_ = OpenOrDie(options);
    ASSERT_NE(db_, nullptr);
    auto applied = sql::ApplyMigrations(*db_, AuditMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    log_ = std::make_unique<AuditLog>(*db_, clock_, ring_);
  }

  void AppendOrDie(const AuditEntry& e) {
    Status st = log_->Append(e);
    ASSERT_TRUE(st.ok()) << st.error().ToString();
  }
  // n entries "POST /validate/check" #1..#n, one second apart.
  void AppendMany(int n) {
    for (int i = 1; i <= n; ++i) {
      AppendOrDie(Sample("POST /validate/check #" + std::to_string(i)));
      clock_.Advance(std::chrono::seconds(1));
    }
  }

  // Runs raw SQL against the table, as someone with database access alone could.
  void Tamper(const std::string& sql) {
    Status st = db_->WithTransaction([&](soci::session& s) { s << sql; });
    ASSERT_TRUE(st.ok()) << st.error().ToString();
  }

  std::vector<std::int64_t> Ids() {
    std::vector<std::int64_t> ids;
    auto session = db_->Acquire();
    soci::rowset<soci::row> rows =
        ((*session)->prepare << "SELECT CAST(id AS BIGINT) FROM mfa_audit ORDER BY id");
    for (const soci::row& r : rows) ids.push_back(sql::Int(r, 0));
    return ids;
  }

  VerifyReport VerifyOrDie() {
    auto report = log_->Verify();
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : VerifyReport{};
  }

  const Secret key1_ = crypto::RandomSecret(crypto::KeyRing::kKeySize);
  const Secret key2_ = crypto::RandomSecret(crypto::KeyRing::kKeySize);
  const crypto::KeyRing ring_ = Ring({{"k1", &key1_}});
  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(1'700'000'000))};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<AuditLog> log_;
};

}  // namespace osprey::mfa::audit::testing
