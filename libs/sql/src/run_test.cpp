#include "osprey/sql/run.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "test_db.hpp"

namespace osprey::sql {
namespace {

class ReadScopeTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    testing::EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie(SmallPool());
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(RunTransaction(*db_, "create", [](soci::session& s) {
                  s << "CREATE TABLE counter (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)";
                  s << "INSERT INTO counter (id, v) VALUES (1, 0)";
                }).ok());
  }

  // The session a read runs on, and the value it sees.
  struct Seen {
    const soci::session* session = nullptr;
    int v = -1;
  };
  Seen Read() {
    Seen seen;
    EXPECT_TRUE(RunRead(*db_, "read", [&](soci::session& s) {
                  seen.session = &s;
                  s << "SELECT v FROM counter WHERE id = 1", soci::into(seen.v);
                }).ok());
    return seen;
  }
  void Set(int v) {
    ASSERT_TRUE(RunTransaction(*db_, "write", [&](soci::session& s) {
                  s << "UPDATE counter SET v = :v WHERE id = 1", soci::use(v);
                }).ok());
  }
  // The same write from another thread (another connection's commit, which a snapshot does not see).
  void SetElsewhere(int v) {
    std::thread writer([&] { Set(v); });
    writer.join();
  }

  std::unique_ptr<Database> db_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(ReadScopeTest);

TEST_P(ReadScopeTest, ReadsShareOneSnapshotUntilRestart) {
  ReadScope scope(*db_);
  const Seen first = Read();
  EXPECT_EQ(first.v, 0);
  SetElsewhere(1);
  const Seen second = Read();
  if (engine() == Engine::kSqlite) {
    EXPECT_EQ(second.session, first.session);
    EXPECT_EQ(second.v, 0) << "the scope's snapshot predates the write";
  } else {
    EXPECT_EQ(second.v, 1) << "on PostgreSQL the scope does nothing";
  }
  scope.Restart();
  EXPECT_EQ(Read().v, 1);
  scope.End();
  Set(2);
  EXPECT_EQ(Read().v, 2) << "after End, reads run as without a scope";
}

TEST_P(ReadScopeTest, TheSessionGoesBackToThePoolWhenTheScopeEnds) {
  {
    ReadScope scope(*db_);
    (void)Read();
    // Every other session of the pool of 3 is still free for writers and other readers.
    Set(5);
    EXPECT_TRUE(RunTransaction(*db_, "write", [](soci::session& s) {
                  s << "DELETE FROM counter WHERE id = 7";
                }).ok());
  }
  // All three sessions can be leased at once again: the scope gave its own back, its transaction ended.
  auto a = db_->Acquire();
  auto b = db_->Acquire();
  auto c = db_->Acquire();
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  int v = -1;
  c->get() << "SELECT v FROM counter WHERE id = 1", soci::into(v);
  EXPECT_EQ(v, 5);
}

TEST_P(ReadScopeTest, AnInnerScopeOfTheSameDatabaseDefersToTheOuterOne) {
  ReadScope outer(*db_);
  const Seen first = Read();
  {
    ReadScope inner(*db_);
    SetElsewhere(3);
    const Seen again = Read();
    if (engine() == Engine::kSqlite) {
      EXPECT_EQ(again.session, first.session);
      EXPECT_EQ(again.v, 0);
    }
  }
  // The inner scope's end did not end the outer one.
  if (engine() == Engine::kSqlite) {
    EXPECT_EQ(Read().session, first.session);
  }
}

// A write of the scope's own thread gives the scope's session back first (with every pooled session held by
// scopes whose threads then wait to write, the pool would run dry) and the reads after it see the write.
TEST_P(ReadScopeTest, AWriteOnTheScopesThreadRestartsItSoLaterReadsSeeTheWrite) {
  ReadScope scope(*db_);
  EXPECT_EQ(Read().v, 0);
  Set(9);
  EXPECT_EQ(Read().v, 9);
}

TEST_P(ReadScopeTest, AFailedReadLeavesTheScopeUsable) {
  ReadScope scope(*db_);
  EXPECT_FALSE(RunRead(*db_, "bad", [](soci::session& s) { s << "SELECT nope FROM nowhere"; }).ok());
  if (engine() == Engine::kPostgresql) scope.Restart();
  EXPECT_EQ(Read().v, 0);
}

}  // namespace
}  // namespace osprey::sql
