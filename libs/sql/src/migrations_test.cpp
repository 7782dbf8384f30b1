#include "osprey/sql/migrations.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

#include "test_db.hpp"

namespace osprey::sql {
namespace {

class MigrationsTest : public testing::EngineTest {
 protected:
  // True if `table` can be queried.
  static bool TableExists(Database& db, const std::string& table) {
    auto lease = db.Acquire();
    try {
      int n = 0;
      lease->get() << "SELECT COUNT(*) FROM " + table, soci::into(n);
      return true;
    } catch (const soci::soci_error&) {
      return false;
    }
  }

  static MigrationSet TwoStep() {
    return {"demo",
            {{1, "alpha", "CREATE TABLE alpha (id {{id}}, label {{text}} NOT NULL)"},
             {2, "beta and gamma",
              "CREATE TABLE beta (id {{id}}, alpha_id {{bigint}} NOT NULL REFERENCES alpha (id));\n"
              "-- a comment between statements\n"
              "CREATE TABLE gamma (flag {{bool}} NOT NULL, ratio {{double}}, raw {{blob}});\n"
              "INSERT INTO gamma (flag, ratio) VALUES (TRUE, 0.5);\n"}}};
  }
};
OSPREY_INSTANTIATE_FOR_ENGINES(MigrationsTest);

TEST_P(MigrationsTest, CoreMigrationsApplyOnce) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CurrentVersion(*db, "core").value(), 0);
  auto first = ApplyMigrations(*db, CoreMigrations());
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(*first, 1);
  EXPECT_EQ(ApplyMigrations(*db, CoreMigrations()).value(), 0);
  EXPECT_EQ(CurrentVersion(*db, "core").value(), 1);

  auto lease = db->Acquire();
  lease->get() << "INSERT INTO osprey_meta (key, value) VALUES ('k', 'v')";
  std::string name;
  lease->get() << "SELECT name FROM schema_version WHERE component = 'core' AND version = 1",
      soci::into(name);
  EXPECT_EQ(name, CoreMigrations().migrations[0].name);
}

TEST_P(MigrationsTest, AppliesMultiStatementMigrationsInOrder) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  auto applied = ApplyMigrations(*db, TwoStep());
  ASSERT_TRUE(applied.ok()) << applied.error().ToString();
  EXPECT_EQ(*applied, 2);
  EXPECT_EQ(CurrentVersion(*db, "demo").value(), 2);
  EXPECT_EQ(CurrentVersion(*db, "other").value(), 0);
  auto lease = db->Acquire();
  int flagged = 0;
  lease->get() << "SELECT COUNT(*) FROM gamma WHERE flag = TRUE", soci::into(flagged);
  EXPECT_EQ(flagged, 1);
  // foreign_keys is on for SQLite too
  EXPECT_THROW(lease->get() << "INSERT INTO beta (alpha_id) VALUES (42)", soci::soci_error);
}

TEST_P(MigrationsTest, RefusesADatabaseNewerThanTheBinary) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(ApplyMigrations(*db, TwoStep()).ok());
  MigrationSet older = TwoStep();
  older.migrations.pop_back();
  auto refused = ApplyMigrations(*db, older);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message().find("version 2"), std::string::npos) << refused.error().message();
}

TEST_P(MigrationsTest, FailedStatementRollsBackOnlyItsMigration) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  MigrationSet set = TwoStep();
  set.migrations[1].sql = "CREATE TABLE beta (id {{id}});\nTHIS IS NOT SQL;\n";
  auto failed = ApplyMigrations(*db, set);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kInternal);
  EXPECT_NE(failed.error().message().find("demo v2 (beta and gamma) failed at statement 2 [THIS IS NOT SQL]"),
            std::string::npos)
      << failed.error().message();
  EXPECT_EQ(CurrentVersion(*db, "demo").value(), 1);
  EXPECT_TRUE(TableExists(*db, "alpha"));
  EXPECT_FALSE(TableExists(*db, "beta"));

  auto fixed = ApplyMigrations(*db, TwoStep());  // the corrected binary carries on from v1
  ASSERT_TRUE(fixed.ok()) << fixed.error().ToString();
  EXPECT_EQ(*fixed, 1);
}

TEST_P(MigrationsTest, RejectsMalformedSets) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  const MigrationSet bad[] = {
      {"", {{1, "x", "CREATE TABLE x (a {{text}})"}}},
      {"demo", {{2, "b", "CREATE TABLE b (a {{text}})"}, {1, "a", "CREATE TABLE a (a {{text}})"}}},
      {"demo", {{0, "zero", "CREATE TABLE z (a {{text}})"}}},
      {"demo", {{1, "typo", "CREATE TABLE t (a {{txt}})"}}},
  };
  for (const MigrationSet& set : bad) {
    auto result = ApplyMigrations(*db, set);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument) << result.error().message();
  }
  EXPECT_FALSE(TableExists(*db, "b"));
}

// Several processes starting at once: each migration runs exactly once.
TEST_P(MigrationsTest, ConcurrentAppliersApplyEachMigrationOnce) {
  std::atomic<int> applied{0};
  std::atomic<int> failures{0};
  auto start = [&] {
    DatabaseOptions options;
    options.pool_size = 1;
    auto db = Database::Open(url(), options);
    if (!db.ok()) {
      ++failures;
      return;
    }
    auto n = ApplyMigrations(**db, TwoStep());
    n.ok() ? applied += *n : ++failures;
  };
  std::thread a(start), b(start), c(start);
  a.join();
  b.join();
  c.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(applied.load(), 2);
}

}  // namespace
}  // namespace osprey::sql
