// Verify and Rotate: the chain detects edited, removed and reordered entries and forged checkpoints, and
// survives retention.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "mfa/audit/audit_log.hpp"
#include "mfa/audit/audit_test_support.hpp"
#include "osprey/sql/run.hpp"

namespace osprey::mfa::audit {
namespace {

using testing::AuditTest;
using testing::Sample;

class AuditVerifyTest : public AuditTest {
 protected:
  RotateReport RotateOrDie(const RetentionOptions& options) {
    auto report = log_->Rotate(options);
    EXPECT_TRUE(report.ok()) << report.error().ToString();
    return report.ok() ? *report : RotateReport{};
  }
  std::int64_t Id(std::size_t i) { return Ids().at(i); }
  static RetentionOptions MaxRows(std::int64_t rows, std::int64_t batch) {
    RetentionOptions o;
    o.max_rows = rows;
    o.batch = batch;
    return o;
  }
};
OSPREY_INSTANTIATE_FOR_ENGINES(AuditVerifyTest);

TEST_P(AuditVerifyTest, EmptyAndUntouchedLogsVerify) {
  VerifyReport empty = VerifyOrDie();
  EXPECT_TRUE(empty.ok);
  EXPECT_EQ(empty.checked, 0);
  AppendMany(5);
  VerifyReport report = VerifyOrDie();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.checked, 5);
  EXPECT_EQ(report.first_bad, 0);
}

TEST_P(AuditVerifyTest, EditedColumnIsNamed) {
  const std::vector<std::string> edits = {
      "info = 'nothing to see'", "success = 0", "username = 'mallory'", "date = date + 1", "serial = ''",
      "administrator = 'x'",     "kid = 'k2'",  "mac = prev",           "prev = mac",
  };
  for (const std::string& edit : edits) {
    SCOPED_TRACE(edit);
    Tamper("DELETE FROM mfa_audit");
    AppendMany(5);
    const std::int64_t third = Id(2);
    Tamper("UPDATE mfa_audit SET " + edit + " WHERE id = " + std::to_string(third));
    VerifyReport report = VerifyOrDie();
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.first_bad, third);
    EXPECT_NE(report.problem.find("entry " + std::to_string(third)), std::string::npos) << report.problem;
    EXPECT_EQ(report.checked, 2);
    // GET /audit/ shows it too (privacyIDEA's sig_check).
    AuditFilter filter;
    filter.columns["action"] = "*#3";
    auto page = log_->Query(filter);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->entries.size(), 1u);
    EXPECT_FALSE(page->entries[0].sig_ok);
  }
}

TEST_P(AuditVerifyTest, DeletedEntryIsDetectedAtTheNextOne) {
  AppendMany(5);
  const std::int64_t third = Id(2), fourth = Id(3);
  Tamper("DELETE FROM mfa_audit WHERE id = " + std::to_string(third));
  VerifyReport report = VerifyOrDie();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad, fourth);
  EXPECT_NE(report.problem.find("missing"), std::string::npos) << report.problem;
  AuditFilter filter;
  filter.columns["action"] = "*#4";
  auto page = log_->Query(filter);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_TRUE(page->entries[0].sig_ok);
  EXPECT_FALSE(page->entries[0].link_ok);
}

TEST_P(AuditVerifyTest, DeletedFirstEntryWithoutCheckpointIsDetected) {
  AppendMany(3);
  const std::int64_t first = Id(0), second = Id(1);
  Tamper("DELETE FROM mfa_audit WHERE id = " + std::to_string(first));
  VerifyReport report = VerifyOrDie();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad, second);
}

TEST_P(AuditVerifyTest, ReorderedEntriesAreDetected) {
  AppendMany(4);
  const std::string a = std::to_string(Id(1)), b = std::to_string(Id(2));
  Tamper("UPDATE mfa_audit SET id = -1 WHERE id = " + a);
  Tamper("UPDATE mfa_audit SET id = " + a + " WHERE id = " + b);
  Tamper("UPDATE mfa_audit SET id = " + b + " WHERE id = -1");
  VerifyReport report = VerifyOrDie();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(std::to_string(report.first_bad), a);
}

TEST_P(AuditVerifyTest, RotateByRowsKeepsTheNewestAndTheChainVerifiable) {
  AppendMany(10);
  RotateReport report = RotateOrDie(MaxRows(4, 3));
  EXPECT_EQ(report.deleted, 6);
  EXPECT_EQ(report.batches, 2);
  ASSERT_EQ(Ids().size(), 4u);
  AuditFilter asc;
  asc.sortorder = "asc";
  auto page = log_->Query(asc);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries[0].action, "POST /validate/check #7");
  EXPECT_TRUE(page->entries[0].link_ok);  // linked to the checkpoint
  VerifyReport verify = VerifyOrDie();
  EXPECT_TRUE(verify.ok) << verify.problem;
  EXPECT_EQ(verify.checked, 4);
  // Nothing more to do; appending continues the chain.
  EXPECT_EQ(RotateOrDie(MaxRows(4, 3)).deleted, 0);
  AppendMany(2);
  EXPECT_EQ(RotateOrDie(MaxRows(4, 100)).deleted, 2);
  verify = VerifyOrDie();
  EXPECT_TRUE(verify.ok) << verify.problem;
  EXPECT_EQ(verify.checked, 4);
}

TEST_P(AuditVerifyTest, RotateByAgeDeletesOlderEntriesOnly) {
  AppendMany(10);  // dates now-10s .. now-1s
  RetentionOptions o;
  o.max_age = std::chrono::seconds(4);
  o.batch = 4;
  RotateReport report = RotateOrDie(o);
  EXPECT_EQ(report.deleted, 6);
  EXPECT_EQ(report.batches, 2);
  EXPECT_EQ(Ids().size(), 4u);
  EXPECT_TRUE(VerifyOrDie().ok);
  // Both limits: the stricter one wins.
  o.max_rows = 1;
  EXPECT_EQ(RotateOrDie(o).deleted, 3);
  EXPECT_EQ(Ids().size(), 1u);
}

TEST_P(AuditVerifyTest, RotatingEverythingThenAppendingContinuesFromTheCheckpoint) {
  AppendMany(5);
  RetentionOptions o;
  o.max_age = std::chrono::seconds(0);
  EXPECT_EQ(RotateOrDie(o).deleted, 5);
  EXPECT_TRUE(Ids().empty());
  EXPECT_TRUE(VerifyOrDie().ok);
  AppendMany(3);
  VerifyReport report = VerifyOrDie();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.checked, 3);
}

TEST_P(AuditVerifyTest, DeletingPastTheCheckpointIsDetected) {
  AppendMany(8);
  RotateOrDie(MaxRows(5, 10));
  const std::int64_t oldest = Id(0), next = Id(1);
  Tamper("DELETE FROM mfa_audit WHERE id = " + std::to_string(oldest));
  VerifyReport report = VerifyOrDie();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad, next);
}

TEST_P(AuditVerifyTest, ForgedCheckpointIsDetected) {
  AppendMany(6);
  const std::int64_t third = Id(2);
  // Someone with database access deletes the oldest rows and writes a checkpoint that links the rest.
  std::string mac;
  {
    auto conn = db_->Acquire();
    ASSERT_TRUE(conn.ok());
    (*conn)->once << "SELECT mac FROM mfa_audit WHERE id = :id", soci::use(third), soci::into(mac);
  }
  Tamper("DELETE FROM mfa_audit WHERE id <= " + std::to_string(third));
  Tamper("INSERT INTO mfa_audit_checkpoint (id, upto_id, mac, deleted, created, kid, seal) VALUES (1, " +
         std::to_string(third) + ", '" + mac + "', 3, 0, 'k1', '" + std::string(64, '0') + "')");
  VerifyReport report = VerifyOrDie();
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.problem.find("checkpoint"), std::string::npos) << report.problem;
}

TEST_P(AuditVerifyTest, AlteredCheckpointIsDetected) {
  AppendMany(6);
  RotateOrDie(MaxRows(3, 10));
  EXPECT_TRUE(VerifyOrDie().ok);
  Tamper("UPDATE mfa_audit_checkpoint SET deleted = deleted + 1");
  EXPECT_FALSE(VerifyOrDie().ok);
}

TEST_P(AuditVerifyTest, KeyRotationKeepsOldEntriesVerifiable) {
  AppendMany(3);
  crypto::KeyRing both = testing::Ring({{"k1", &key1_}, {"k2", &key2_}});  // k2 active
  log_ = std::make_unique<AuditLog>(*db_, clock_, both);
  AppendMany(3);
  VerifyReport report = VerifyOrDie();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.checked, 6);
  // Without the old key the old entries cannot be proven.
  log_ = std::make_unique<AuditLog>(*db_, clock_, testing::Ring({{"k2", &key2_}}));
  report = VerifyOrDie();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad, Id(0));
  EXPECT_NE(report.problem.find("unknown key id 'k1'"), std::string::npos) << report.problem;
  // A different key under the same id does not verify either.
  log_ = std::make_unique<AuditLog>(*db_, clock_, testing::Ring({{"k1", &key2_}, {"k2", &key2_}}));
  EXPECT_FALSE(VerifyOrDie().ok);
}

// 100k entries rotated down to 1000 in batches of 10,000: bounded statements only. The oldest 99,000 are
// written by one bulk INSERT (their macs are filler: rotation never reads them, and the first real entry
// chains to the last filler, whose mac becomes the checkpoint); the newest 1000 are real and must verify.
TEST_P(AuditVerifyTest, HundredThousandRowsRotateInBatches) {
  constexpr int kFiller = 99000, kReal = 1000;
  Tamper(
      "INSERT INTO mfa_audit (date, action, success, authentication, serial, token_type, username, realm, "
      "resolver, administrator, action_detail, info, privacyidea_server, client, user_agent, policies, "
      "thread_id, duration, kid, prev, mac) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
      "WHERE i < " +
      std::to_string(kFiller) +
      ") SELECT 1700000000000000 + i, 'POST /validate/check', 1, 'ACCEPT', 'OATH1', 'hotp', 'alice', "
      "'realm1', 'res1', '', '', '', '', '10.0.0.1', '', '', '', 0, 'k1', 'p', 'filler' || i FROM n");
  std::vector<AuditEntry> entries(kReal, Sample("POST /validate/check"));
  Status st = sql::RunTransaction(*db_, "test", [&](soci::session& s) { log_->AppendIn(s, entries); });
  ASSERT_TRUE(st.ok()) << st.error().ToString();
  const auto start = std::chrono::steady_clock::now();
  RotateReport report = RotateOrDie(MaxRows(kReal, 10000));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(report.deleted, kFiller);
  EXPECT_EQ(report.batches, 10);
  EXPECT_LT(took, std::chrono::seconds(20));
  VerifyReport verify = VerifyOrDie();
  EXPECT_TRUE(verify.ok) << verify.problem;
  EXPECT_EQ(verify.checked, kReal);
}

}  // namespace
}  // namespace osprey::mfa::audit
