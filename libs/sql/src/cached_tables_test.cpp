#include "osprey/sql/cached_tables.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "test_db.hpp"

namespace osprey::sql {
namespace {

using std::chrono::milliseconds;

// A "table" of one value with a generation row, as the MFA server's policies and SMS gateways keep them.
class CachedTablesTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    testing::EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie(SmallPool());
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(RunTransaction(*db_, "create", [](soci::session& s) {
                  s << "CREATE TABLE item (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)";
                  s << "CREATE TABLE item_state (id INTEGER PRIMARY KEY, generation BIGINT NOT NULL)";
                  s << "INSERT INTO item (id, v) VALUES (1, 10)";
                  s << "INSERT INTO item_state (id, generation) VALUES (1, 0)";
                }).ok());
    cache_ = std::make_unique<CachedTables<int>>(
        *db_, clock_, milliseconds(1000), "item load",
        [](soci::session& s) {
          long long generation = 0;
          s << "SELECT CAST(generation AS BIGINT) FROM item_state WHERE id = 1", soci::into(generation);
          return static_cast<std::int64_t>(generation);
        },
        [this](soci::session& s, int& out) {
          ++loads_;
          s << "SELECT v FROM item WHERE id = 1", soci::into(out);
        });
  }

  // A write with the generation bumped in its transaction, as every writer of such tables does.
  void Write(int v, bool bump = true) {
    ASSERT_TRUE(RunTransaction(*db_, "write", [&](soci::session& s) {
                  s << "UPDATE item SET v = :v WHERE id = 1", soci::use(v);
                  if (bump) s << "UPDATE item_state SET generation = generation + 1 WHERE id = 1";
                }).ok());
  }

  int Value() {
    auto got = cache_->Get();
    EXPECT_TRUE(got.ok()) << got.error().ToString();
    return got.ok() ? **got : -1;
  }

  FakeClock clock_{Clock::TimePoint(std::chrono::seconds(1'800'000'000))};
  std::unique_ptr<Database> db_;
  std::atomic<int> loads_{0};
  std::unique_ptr<CachedTables<int>> cache_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(CachedTablesTest);

TEST_P(CachedTablesTest, LoadsOnceAndServesTheCopyWithinTheInterval) {
  EXPECT_EQ(Value(), 10);
  Write(11);  // another process: not seen within the interval
  EXPECT_EQ(Value(), 10);
  clock_.Advance(milliseconds(999));
  EXPECT_EQ(Value(), 10);
  EXPECT_EQ(loads_, 1);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(Value(), 11);
  EXPECT_EQ(loads_, 2);
}

TEST_P(CachedTablesTest, ChangedReloadsAtOnce) {
  EXPECT_EQ(Value(), 10);
  Write(12);
  cache_->Changed();  // the write went through this process
  EXPECT_EQ(Value(), 12);
  EXPECT_EQ(loads_, 2);
}

TEST_P(CachedTablesTest, AnUnmovedGenerationCostsNoLoad) {
  EXPECT_EQ(Value(), 10);
  Write(13, /*bump=*/false);  // a write that does not bump: the check cannot see it
  clock_.Advance(milliseconds(1001));
  EXPECT_EQ(Value(), 10);
  EXPECT_EQ(loads_, 1);
  Write(14);
  clock_.Advance(milliseconds(1001));
  EXPECT_EQ(Value(), 14);
  EXPECT_EQ(loads_, 2);
}

TEST_P(CachedTablesTest, AFailedLoadServesTheLastCopyOrFailsWithoutOne) {
  EXPECT_EQ(Value(), 10);
  ASSERT_TRUE(RunTransaction(*db_, "break", [](soci::session& s) { s << "DROP TABLE item_state"; }).ok());
  clock_.Advance(milliseconds(1001));
  EXPECT_EQ(Value(), 10);  // the last good copy
  cache_->Changed();
  auto got = cache_->Get();
  EXPECT_FALSE(got.ok());
}

TEST_P(CachedTablesTest, ALoadThatALocalWriteOvertookIsNotKept) {
  // The load reads the old value; a write of this process lands meanwhile (here: inside the load). The
  // caller gets what was loaded, but the copy is dropped, so the next read loads the write.
  bool once = true;
  cache_ = std::make_unique<CachedTables<int>>(
      *db_, clock_, milliseconds(1000), "item load", [](soci::session&) { return std::int64_t{0}; },
      [&](soci::session& s, int& out) {
        ++loads_;
        s << "SELECT v FROM item WHERE id = 1", soci::into(out);
        if (once) {
          once = false;
          cache_->Changed();
        }
      });
  EXPECT_EQ(Value(), 10);
  EXPECT_EQ(Value(), 10);
  EXPECT_EQ(loads_, 2);
  EXPECT_EQ(Value(), 10);
  EXPECT_EQ(loads_, 2);
}

}  // namespace
}  // namespace osprey::sql
