#include "osprey/sql/rows.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "osprey/sql/run.hpp"
#include "test_db.hpp"

namespace osprey::sql {
namespace {

class RowsTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    testing::EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie();
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(RunRead(*db_, "create", [](soci::session& s) {
                  s << "CREATE TABLE items (name VARCHAR(200) PRIMARY KEY, counter BIGINT NOT NULL, "
                       "ratio DOUBLE PRECISION, note VARCHAR(200))";
                }).ok());
  }

  struct Item {
    std::string name;
    std::int64_t counter = 0;
    std::string note;
  };
  std::vector<Item> Items() {
    std::vector<Item> out;
    EXPECT_TRUE(RunRead(*db_, "read", [&](soci::session& s) {
                  soci::rowset<soci::row> rows =
                      s.prepare << "SELECT name, CAST(counter AS BIGINT), note FROM items ORDER BY name";
                  for (const soci::row& r : rows) out.push_back({Text(r, 0), Int(r, 1), Text(r, 2)});
                }).ok());
    return out;
  }

  std::unique_ptr<Database> db_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(RowsTest);

TEST_P(RowsTest, ExecBindsInPlaceholderOrderAndCountsChangedRows) {
  const std::int64_t big = 5'000'000'000;  // needs 64 bits
  long long inserted = 0, updated = 0, none = 0, deleted = 0;
  ASSERT_TRUE(RunTransaction(*db_, "write", [&](soci::session& s) {
                inserted += Exec(s, "INSERT INTO items (name, counter, ratio, note) VALUES (:n, :c, :r, :x)",
                                 std::string("a"), big, 0.5, std::string("first"));
                // Bound by position, whatever the placeholders' names.
                inserted += Exec(s, "INSERT INTO items (name, counter, note) VALUES (:z, :y, :a)",
                                 std::string("b"), 2, std::string("second"));
                inserted +=
                    Exec(s, "INSERT INTO items (name, counter) VALUES (:n, :c)", std::string("c"), 3LL);
                updated =
                    Exec(s, "UPDATE items SET counter = counter + :add WHERE counter < :below", 10, 100);
                none = Exec(s, "UPDATE items SET counter = 0 WHERE name = :n", std::string("missing"));
                deleted = Exec(s, "DELETE FROM items WHERE name = :n", std::string("c"));
              }).ok());
  EXPECT_EQ(inserted, 3);
  EXPECT_EQ(updated, 2);
  EXPECT_EQ(none, 0);
  EXPECT_EQ(deleted, 1);
  const auto items = Items();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].name, "a");
  EXPECT_EQ(items[0].counter, big);
  EXPECT_EQ(items[0].note, "first");
  EXPECT_EQ(items[1].name, "b");
  EXPECT_EQ(items[1].counter, 12);
  EXPECT_EQ(items[1].note, "second");
}

TEST_P(RowsTest, ExecStoresValuesVerbatimWithoutQuoting) {
  const std::vector<std::string> names = {
      "O'Brien", "x'); DROP TABLE items; --", "back\\slash", "\"double\"", "?", ":name", "Grüße €"};
  ASSERT_TRUE(RunTransaction(*db_, "write", [&](soci::session& s) {
                for (const std::string& name : names)
                  EXPECT_EQ(Exec(s, "INSERT INTO items (name, counter) VALUES (:n, 1)", name), 1);
              }).ok());
  std::vector<std::string> stored;
  for (const Item& item : Items()) stored.push_back(item.name);
  std::vector<std::string> expected = names;
  std::sort(expected.begin(), expected.end());
  std::sort(stored.begin(), stored.end());
  EXPECT_EQ(stored, expected);
}

TEST_P(RowsTest, AFailingExecReportedThroughRunDoesNotQuoteTheBoundValues) {
  const std::string value = "bound-value-7f3a9c";
  Status status = RunTransaction(*db_, "fail", [&](soci::session& s) {
    Exec(s, "INSERT INTO items (name, counter) VALUES (:n, :c)", value, 1);
    Exec(s, "INSERT INTO items (name, counter) VALUES (:n, NULL)", value + "-2");  // NOT NULL violated
  });
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kInternal);
  const std::string& message = status.error().message();
  // SOCI's what() would add "while executing ... with :n=<value>"; Run* report the engine's message only.
  EXPECT_EQ(message.find("while executing"), std::string::npos) << message;
  // SQLite's message names no value. PostgreSQL's carries a DETAIL line that quotes the failing row
  // ("Failing row contains (...)"); Run* keep only the first line, so neither engine echoes the value.
  EXPECT_EQ(message.find("bound-value"), std::string::npos) << message;
  EXPECT_TRUE(Items().empty());  // the transaction was rolled back
}

}  // namespace
}  // namespace osprey::sql
