#include "mfa/validate/write_batcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "libs/sql/src/test_db.hpp"

namespace osprey::mfa::validate {
namespace {

class WriteBatcherTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    sql::DatabaseOptions options = SmallPool();
    options.pool_size = 4;
    db_ = OpenOrDie(options);
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(
        db_->WithTransaction([](soci::session& s) { s << "CREATE TABLE wb_rows (v INTEGER NOT NULL)"; })
            .ok());
  }

  long long Count() {
    long long n = -1;
    auto session = db_->Acquire();
    EXPECT_TRUE(session.ok());
    if (session.ok()) **session << "SELECT CAST(COUNT(*) AS BIGINT) FROM wb_rows", soci::into(n);
    return n;
  }

  static WriteBatcher::Job Insert(int v) {
    return [v](soci::session& s) {
      int value = v;
      s << "INSERT INTO wb_rows (v) VALUES (:v)", soci::use(value, "v");
    };
  }

  std::unique_ptr<sql::Database> db_;
};
OSPREY_INSTANTIATE_FOR_ENGINES(WriteBatcherTest);

TEST_P(WriteBatcherTest, EveryJobIsCommittedBeforeRunReturns) {
  for (bool enabled : {true, false}) {
    WriteBatcher batcher(*db_, WriteBatcherOptions{enabled, 256, std::chrono::microseconds(200)});
    constexpr int kThreads = 16, kJobs = 20;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int j = 0; j < kJobs; ++j) {
          const long long before = Count();
          if (!batcher.Run(Insert(t * 1000 + j)).ok()) ++failures;
          if (Count() <= before) ++failures;  // our row is visible once Run returns
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    const WriteBatcher::Stats stats = batcher.stats();
    EXPECT_EQ(stats.jobs, std::uint64_t{kThreads * kJobs});
    EXPECT_LE(stats.commits, stats.jobs);
    if (!enabled) {
      EXPECT_EQ(stats.commits, stats.jobs);
    }
  }
  EXPECT_EQ(Count(), 2 * 16 * 20);
}

TEST_P(WriteBatcherTest, AFailingJobFailsAloneAndTheOthersCommit) {
  WriteBatcher batcher(*db_);
  constexpr int kThreads = 12;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int j = 0; j < 10; ++j) {
        const bool bad = t == 3 && j % 2 == 0;
        Status st = batcher.Run([&, bad](soci::session& s) {
          Insert(t)(s);
          if (bad) throw std::runtime_error("job refused");
        });
        if (st.ok()) {
          ++ok;
        } else {
          EXPECT_TRUE(bad);
          EXPECT_NE(st.error().message().find("job refused"), std::string::npos);
          ++failed;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 5);
  EXPECT_EQ(ok.load(), kThreads * 10 - 5);
  EXPECT_EQ(Count(), kThreads * 10 - 5);  // the failing jobs' inserts were rolled back
}

}  // namespace
}  // namespace osprey::mfa::validate
