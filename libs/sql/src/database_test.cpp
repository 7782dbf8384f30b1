#include "osprey/sql/database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "osprey/core/encoding.hpp"
#include "osprey/sql/migrations.hpp"
#include "test_db.hpp"

namespace osprey::sql {
namespace {

using testing::TestDatabase;

class DatabaseTest : public testing::EngineTest {};
OSPREY_INSTANTIATE_FOR_ENGINES(DatabaseTest);

template <typename T>
T QueryOne(soci::session& s, const std::string& sql) {
  T value{};
  s << sql, soci::into(value);
  return value;
}

TEST_P(DatabaseTest, EverySessionIsConfigured) {
  DatabaseOptions options;
  options.pool_size = 3;
  auto db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->engine(), engine());
  std::vector<Session> leases;
  for (int i = 0; i < 3; ++i) {
    auto lease = db->Acquire();
    ASSERT_TRUE(lease.ok()) << lease.error().ToString();
    soci::session& s = lease->get();
    if (engine() == Engine::kSqlite) {
      EXPECT_EQ(QueryOne<std::string>(s, "PRAGMA journal_mode"), "wal");
      EXPECT_EQ(QueryOne<int>(s, "PRAGMA foreign_keys"), 1);
      EXPECT_EQ(QueryOne<int>(s, "PRAGMA synchronous"), 1);  // NORMAL
      EXPECT_EQ(QueryOne<int>(s, "PRAGMA busy_timeout"), 5000);
    } else {
      EXPECT_EQ(QueryOne<std::string>(s, "SHOW application_name"), "osprey");
    }
    leases.push_back(std::move(*lease));
  }
}

TEST_P(DatabaseTest, CrudRoundTrip) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  const MigrationSet set{"crud",
                         {{1, "items",
                           "CREATE TABLE items (\n  id {{id}},\n  name {{text}} NOT NULL,\n  data {{blob}},\n"
                           "  counter {{bigint}} NOT NULL,\n  note {{text}}\n)"}}};
  ASSERT_TRUE(ApplyMigrations(*db, set).ok());
  auto lease = db->Acquire();
  ASSERT_TRUE(lease.ok());
  soci::session& s = lease->get();

  const std::string bytes("\x00\xff\xfe\x80osprey\xc3\x28", 11);  // NUL, invalid UTF-8
  std::string name = "first";
  long long counter = 1LL << 40;
  soci::indicator note_in = soci::i_null;
  std::string note;
  long long id = 0;
  // SOCI binds references and runs the statement at the end of the full expression: no temporaries in use().
  const std::string hex = HexEncode(bytes);
  s << "INSERT INTO items (name, data, counter, note) VALUES (:n, decode(:d, 'hex'), :c, :note) RETURNING id",
      soci::use(name), soci::use(hex), soci::use(counter), soci::use(note, note_in), soci::into(id);
  EXPECT_GT(id, 0);

  std::string name_out, data_hex;
  long long counter_out = 0;
  soci::indicator note_ind = soci::i_ok;
  s << "SELECT name, encode(data, 'hex'), counter, note FROM items WHERE id = :id", soci::use(id),
      soci::into(name_out), soci::into(data_hex), soci::into(counter_out), soci::into(note, note_ind);
  ASSERT_TRUE(s.got_data());
  EXPECT_EQ(name_out, "first");
  EXPECT_EQ(HexDecode(data_hex).value(), bytes);
  EXPECT_EQ(counter_out, 1LL << 40);
  EXPECT_EQ(note_ind, soci::i_null);

  const std::string new_note = "n";
  s << "UPDATE items SET counter = counter + 1, note = :note WHERE id = :id", soci::use(new_note),
      soci::use(id);
  s << "SELECT counter, note FROM items WHERE id = :id", soci::use(id), soci::into(counter_out),
      soci::into(note, note_ind);
  EXPECT_EQ(counter_out, (1LL << 40) + 1);
  EXPECT_EQ(note_ind, soci::i_ok);
  EXPECT_EQ(note, "n");

  s << "DELETE FROM items WHERE id = :id", soci::use(id);
  EXPECT_EQ(QueryOne<int>(s, "SELECT COUNT(*) FROM items"), 0);
  s << "SELECT name FROM items WHERE id = :id", soci::use(id), soci::into(name_out);
  EXPECT_FALSE(s.got_data());
}

TEST_P(DatabaseTest, EmptyAndNullBlobsSurvive) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  auto lease = db->Acquire();
  ASSERT_TRUE(lease.ok());
  soci::session& s = lease->get();
  s << ExpandPortableSql("CREATE TABLE b (k {{text}} PRIMARY KEY, v {{blob}})", engine());
  s << "INSERT INTO b VALUES ('empty', decode('', 'hex'))";
  s << "INSERT INTO b VALUES ('null', decode(NULL, 'hex'))";
  std::string hex;
  soci::indicator ind = soci::i_null;
  s << "SELECT encode(v, 'hex') FROM b WHERE k = 'empty'", soci::into(hex, ind);
  EXPECT_EQ(ind, soci::i_ok);
  EXPECT_EQ(hex, "");
  s << "SELECT encode(v, 'hex') FROM b WHERE k = 'null'", soci::into(hex, ind);
  EXPECT_EQ(ind, soci::i_null);
  EXPECT_THROW((s << "SELECT decode('zz', 'hex')", soci::into(hex)), soci::soci_error);
}

TEST_P(DatabaseTest, ExhaustedPoolFailsAfterAcquireTimeout) {
  DatabaseOptions options;
  options.pool_size = 2;
  options.acquire_timeout = std::chrono::milliseconds(50);
  auto db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  auto first = db->Acquire();
  auto second = db->Acquire();
  ASSERT_TRUE(first.ok() && second.ok());

  const auto start = std::chrono::steady_clock::now();
  auto third = db->Acquire();
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code(), ErrorCode::kUnavailable);
  EXPECT_GE(waited, std::chrono::milliseconds(50));

  { Session released = std::move(*first); }
  EXPECT_TRUE(db->Acquire().ok());
}

// Regression: a defaulted move assignment dropped the session it replaced, shrinking the pool for good.
TEST_P(DatabaseTest, MoveAssigningALeaseReturnsTheOneItHeld) {
  DatabaseOptions options;
  options.pool_size = 2;
  options.acquire_timeout = std::chrono::milliseconds(10);
  auto db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  auto a = db->Acquire();
  auto b = db->Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  *a = std::move(*b);
  EXPECT_TRUE(db->Acquire().ok());
}

TEST_P(DatabaseTest, LeaseDroppedInsideATransactionIsRolledBack) {
  DatabaseOptions options;
  options.pool_size = 1;
  auto db = OpenOrDie(options);
  ASSERT_NE(db, nullptr);
  {
    auto lease = db->Acquire();
    ASSERT_TRUE(lease.ok());
    lease->get() << "CREATE TABLE t (x INTEGER)";
    lease->get() << "BEGIN";
    lease->get() << "INSERT INTO t VALUES (1)";
  }
  auto lease = db->Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(QueryOne<int>(lease->get(), "SELECT COUNT(*) FROM t"), 0);
  lease->get() << "BEGIN";  // would fail if a transaction were still open on SQLite
  lease->get() << "ROLLBACK";
}

TEST(SqliteDatabaseTest, MemoryDatabaseIsOneSharedSession) {
  DatabaseOptions options;
  options.acquire_timeout = std::chrono::milliseconds(10);
  auto db = Database::Open("sqlite::memory:", options);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  {
    auto lease = (*db)->Acquire();
    ASSERT_TRUE(lease.ok());
    lease->get() << "CREATE TABLE t (x INTEGER)";
    EXPECT_FALSE((*db)->Acquire().ok());  // the pool holds one session
  }
  auto lease = (*db)->Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(QueryOne<int>(lease->get(), "SELECT COUNT(*) FROM t"), 0);
}

TEST(SqliteDatabaseTest, PathsWithBlanksOrEqualsSigns) {
  TestDatabase target(Engine::kSqlite);
  for (const std::string name : {"with space.db", "a=b.db"}) {
    const std::string path = target.dir() + "/" + name;
    auto db = Database::Open("sqlite://" + path);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    auto lease = (*db)->Acquire();
    ASSERT_TRUE(lease.ok());
    lease->get() << "CREATE TABLE t (x INTEGER)";
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
  }
}

// Commits never checkpoint themselves below 8 × sqlite_checkpoint_pages: the background thread copies the WAL
// into the database file. With SQLite's own automatic checkpoint (1000 pages) nothing of these few pages
// would reach the file, so its growth shows that the background checkpoint ran.
TEST(SqliteDatabaseTest, WalIsCheckpointedInTheBackground) {
  TestDatabase target(Engine::kSqlite);
  const std::string path = target.dir() + "/wal.db";
  DatabaseOptions options;
  options.sqlite_checkpoint_pages = 4;
  auto db = Database::Open("sqlite://" + path, options);
  ASSERT_TRUE(db.ok()) << db.error().ToString();
  {
    auto lease = (*db)->Acquire();
    ASSERT_TRUE(lease.ok());
    lease->get() << "CREATE TABLE t (x TEXT)";
  }
  const auto file_size = [&] { return std::filesystem::file_size(path); };
  const auto before = file_size();
  const std::string row(3000, 'x');
  // Each commit adds a page or two to the WAL: 10 commits stay below 8 × 4 pages, where a committer would
  // checkpoint itself.
  for (int i = 0; i < 10; ++i) {
    auto lease = (*db)->Acquire();
    ASSERT_TRUE(lease.ok());
    lease->get() << "INSERT INTO t (x) VALUES (:x)", soci::use(row);
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (file_size() <= before && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GT(file_size(), before);
  auto lease = (*db)->Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(QueryOne<int>(lease->get(), "SELECT COUNT(*) FROM t"), 10);
}

TEST(SqliteDatabaseTest, NegativeCheckpointPagesAreRefused) {
  DatabaseOptions options;
  options.sqlite_checkpoint_pages = -1;
  auto db = Database::Open("sqlite::memory:", options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace osprey::sql
