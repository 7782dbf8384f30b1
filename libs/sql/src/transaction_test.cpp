#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "osprey/sql/database.hpp"
#include "test_db.hpp"

namespace osprey::sql {
namespace {

class TransactionTest : public testing::EngineTest {
 protected:
  std::unique_ptr<Database> OpenWithCounter(const DatabaseOptions& options = {}) {
    auto db = OpenOrDie(options);
    if (db == nullptr) return nullptr;
    auto lease = db->Acquire();
    lease->get() << "CREATE TABLE counter (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)";
    lease->get() << "INSERT INTO counter (id, v) VALUES (1, 0)";
    return db;
  }

  static int Count(Database& db) {
    auto lease = db.Acquire();
    int v = -1;
    lease->get() << "SELECT v FROM counter WHERE id = 1", soci::into(v);
    return v;
  }

  // A read-modify-write increment: correct only if transactions really are serial.
  static void Increment(soci::session& s) {
    int v = 0;
    s << "SELECT v FROM counter WHERE id = 1", soci::into(v);
    ++v;
    s << "UPDATE counter SET v = :v WHERE id = 1", soci::use(v);
  }

  // Two threads, 200 increments each, all through WithTransaction; the second on `other` when given (another
  // Database on the same database: on SQLite, as another process would write).
  void RunConcurrentIncrements(Database& db, Database* other = nullptr) {
    std::atomic<int> failures{0};
    std::atomic<int> attempts{0};
    auto counted = [&](soci::session& s) {
      ++attempts;
      Increment(s);
    };
    auto worker = [&](Database* on) {
      for (int i = 0; i < 200; ++i) {
        if (!on->WithTransaction(counted).ok()) ++failures;
      }
    };
    std::thread a(worker, &db), b(worker, other != nullptr ? other : &db);
    a.join();
    b.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(Count(db), 400);
    RecordProperty("reruns", attempts.load() - 400);  // work runs again only after a conflict inside it
  }

  // Neither a busy timeout nor retries: a write that meets another writer fails at once.
  static DatabaseOptions NeverWaiting() {
    DatabaseOptions options = SmallPool();
    options.sqlite_busy_timeout = std::chrono::milliseconds(0);
    options.max_retries = 0;
    return options;
  }

  // Throws a conflict error as this engine's driver raises it.
  [[noreturn]] void ThrowConflict() const {
    if (engine() == Engine::kSqlite) throw soci::sqlite3_soci_error("database is locked", 5);
    throw soci::postgresql_soci_error(
        "could not serialize access\nDETAIL:  Reason code: pivot\nHINT:  The transaction might succeed if "
        "retried.",
        "40001");
  }
};
OSPREY_INSTANTIATE_FOR_ENGINES(TransactionTest);

TEST_P(TransactionTest, CommitsWork) {
  auto db = OpenWithCounter();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->WithTransaction(Increment).ok());
  EXPECT_EQ(Count(*db), 1);
}

TEST_P(TransactionTest, RollsBackAndPropagatesOtherExceptions) {
  auto db = OpenWithCounter();
  ASSERT_NE(db, nullptr);
  int calls = 0;
  auto failing = [&](soci::session& s) {
    ++calls;
    Increment(s);
    throw std::runtime_error("business rule says no");
  };
  EXPECT_THROW((void)db->WithTransaction(failing), std::runtime_error);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Count(*db), 0);
}

TEST_P(TransactionTest, SqlErrorsAreNotRetried) {
  auto db = OpenWithCounter();
  ASSERT_NE(db, nullptr);
  int calls = 0;
  auto duplicate = [&](soci::session& s) {
    ++calls;
    Increment(s);
    s << "INSERT INTO counter (id, v) VALUES (1, 0)";
  };
  EXPECT_THROW((void)db->WithTransaction(duplicate), soci::soci_error);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Count(*db), 0);
}

TEST_P(TransactionTest, ConflictsAreRetriedThenGivenUp) {
  DatabaseOptions options = SmallPool();
  options.max_retries = 3;
  auto db = OpenWithCounter(options);
  ASSERT_NE(db, nullptr);
  int calls = 0;
  Status status = db->WithTransaction([&](soci::session& s) {
    ++calls;
    Increment(s);
    ThrowConflict();
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
  // Only the driver message's first line: PostgreSQL's DETAIL lines may quote bound values, and API errors
  // carry this message to the client.
  EXPECT_EQ(status.error().message().find('\n'), std::string::npos) << status.error().message();
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(Count(*db), 0);

  calls = 0;
  ASSERT_TRUE(db->WithTransaction([&](soci::session& s) {
                  Increment(s);
                  if (++calls < 3) ThrowConflict();
                }).ok());
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(Count(*db), 1);
}

TEST_P(TransactionTest, ConcurrentIncrementsAreExact) {
  auto db = OpenWithCounter();
  ASSERT_NE(db, nullptr);
  RunConcurrentIncrements(*db);
}

// Without a busy timeout SQLite answers SQLITE_BUSY at once, so here the retry loop does the waiting. The two
// writers use two Databases: those of one Database queue for each other without conflicts (below).
TEST_P(TransactionTest, ConcurrentIncrementsAreExactWhenEveryConflictIsRetried) {
  DatabaseOptions options = SmallPool();
  options.sqlite_busy_timeout = std::chrono::milliseconds(0);
  options.max_retries = 1000;
  auto db = OpenWithCounter(options);
  ASSERT_NE(db, nullptr);
  auto other = OpenOrDie(options);
  ASSERT_NE(other, nullptr);
  RunConcurrentIncrements(*db, other.get());
}

// SQLite's busy handler sleeps and is not woken when the other writer commits; the writers of one Database
// queue for each other instead, so with neither a busy timeout nor retries no write fails.
TEST_P(TransactionTest, WritersOfOneSqliteDatabaseQueueInsteadOfMeetingBusy) {
  if (engine() != Engine::kSqlite) GTEST_SKIP() << "PostgreSQL writers run concurrently";
  auto db = OpenWithCounter(NeverWaiting());
  ASSERT_NE(db, nullptr);
  std::atomic<int> failures{0};
  auto worker = [&] {
    for (int i = 0; i < 100; ++i) {
      const Status st = db->WithTransaction([](soci::session& s) {
        Increment(s);
        std::this_thread::sleep_for(std::chrono::microseconds(200));  // the other writer arrives meanwhile
      });
      if (!st.ok()) ++failures;
    }
  };
  std::thread a(worker), b(worker);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(*db), 200);
}

// A write transaction started inside another one on the same SQLite database and thread does not wait for the
// writer mutex its own thread holds: it meets SQLITE_BUSY (as it did before the mutex) and fails.
TEST_P(TransactionTest, ANestedWriteOnTheSameSqliteDatabaseFailsInsteadOfHanging) {
  if (engine() != Engine::kSqlite) GTEST_SKIP() << "PostgreSQL writers run concurrently";
  auto db = OpenWithCounter(NeverWaiting());
  ASSERT_NE(db, nullptr);
  Status inner = OkStatus();
  ASSERT_TRUE(db->WithTransaction([&](soci::session& s) {
                  Increment(s);
                  inner = db->WithTransaction(Increment);
                }).ok());
  EXPECT_FALSE(inner.ok());
  EXPECT_EQ(Count(*db), 1);
}

TEST_P(TransactionTest, IsRetryableKnowsEachEnginesConflicts) {
  EXPECT_TRUE(Database::IsRetryable(soci::sqlite3_soci_error("busy", 5)));
  EXPECT_TRUE(Database::IsRetryable(soci::sqlite3_soci_error("locked", 6)));
  EXPECT_TRUE(Database::IsRetryable(soci::sqlite3_soci_error("busy snapshot", 517)));
  EXPECT_FALSE(Database::IsRetryable(soci::sqlite3_soci_error("constraint", 19)));
  EXPECT_TRUE(Database::IsRetryable(soci::postgresql_soci_error("serialization", "40001")));
  EXPECT_TRUE(Database::IsRetryable(soci::postgresql_soci_error("deadlock", "40P01")));
  EXPECT_FALSE(Database::IsRetryable(soci::postgresql_soci_error("unique", "23505")));
  EXPECT_FALSE(Database::IsRetryable(soci::soci_error("other")));
}

// Behaviour only PostgreSQL has: connections that can drop, aborted transactions.
class PostgresTransactionTest : public TransactionTest {};
INSTANTIATE_TEST_SUITE_P(Postgres, PostgresTransactionTest, ::testing::Values(Engine::kPostgresql),
                         testing::EngineName);

// The server dropped every pooled connection (as on a restart): the next transaction reconnects and succeeds.
TEST_P(PostgresTransactionTest, ReconnectsAfterTheServerDroppedTheConnections) {
  DatabaseOptions options = SmallPool();
  options.pool_size = 2;
  auto db = OpenWithCounter(options);
  ASSERT_NE(db, nullptr);
  std::vector<int> pids;
  {
    auto a = db->Acquire();
    auto b = db->Acquire();
    for (auto* lease : {&a, &b}) {
      int pid = 0;
      (*lease)->get() << "SELECT pg_backend_pid()", soci::into(pid);
      pids.push_back(pid);
    }
  }
  auto admin = target_->AdminSession();
  for (int pid : pids) *admin << "SELECT pg_terminate_backend(" + std::to_string(pid) + ")";

  ASSERT_TRUE(db->WithTransaction(Increment).ok());
  ASSERT_TRUE(db->WithTransaction(Increment).ok());
  auto a = db->Acquire();
  auto b = db->Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  for (auto* lease : {&a, &b}) {
    int v = 0;
    (*lease)->get() << "SELECT v FROM counter WHERE id = 1", soci::into(v);
    EXPECT_EQ(v, 2);
  }
}

// PostgreSQL turns COMMIT of a failed transaction into ROLLBACK without an error.
TEST_P(PostgresTransactionTest, SwallowedStatementErrorIsNotReportedAsCommitted) {
  auto db = OpenWithCounter();
  ASSERT_NE(db, nullptr);
  auto swallowing = [](soci::session& s) {
    Increment(s);
    try {
      s << "INSERT INTO counter (id, v) VALUES (1, 0)";
    } catch (const soci::soci_error&) {
    }
  };
  EXPECT_THROW((void)db->WithTransaction(swallowing), soci::soci_error);
  EXPECT_EQ(Count(*db), 0);
}

}  // namespace
}  // namespace osprey::sql
