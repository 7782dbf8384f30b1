// GroupCommit on SQLite and PostgreSQL: callers get their own ids, batches form while a commit is in
// progress, an invalid request fails alone, a failed batch fails everyone and stores nothing.
#include "smsgw/queue/group_commit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "smsgw/queue/queue_test_support.hpp"

namespace osprey::smsgw::queue {
namespace {

using namespace std::chrono_literals;
using testing::kStart;
using testing::Msg;

const Result<std::vector<std::int64_t>> kNotRun = Error(ErrorCode::kInternal, "not run");

class GroupCommitTest : public testing::QueueTest {
 protected:
  // Holds the database's write lock on the queue tables from a session of its own until Release, so that a
  // leader blocks in its transaction and later callers queue up behind it.
  class WriteLock {
   public:
    WriteLock(sql::Database& db, sql::Engine engine) : session_(std::move(db.Acquire().value())) {
      if (engine == sql::Engine::kSqlite) {
        session_.get() << "BEGIN IMMEDIATE";
      } else {
        session_.get() << "BEGIN";
        session_.get() << "LOCK TABLE smsgw_messages IN EXCLUSIVE MODE";
      }
    }
    void Run(const std::string& sql) { session_.get() << sql; }
    void Release() { session_.get() << "COMMIT"; }

   private:
    sql::Session session_;
  };

  // Starts Enqueue(messages) on a thread of its own; the result lands in `out`.
  std::thread Start(GroupCommit& gc, std::vector<NewMessage> messages,
                    Result<std::vector<std::int64_t>>& out) {
    return std::thread([&gc, &out, messages = std::move(messages)] { out = gc.Enqueue(messages, kStart); });
  }

  // One caller leads and blocks in its transaction behind a write lock while `followers` more queue up behind
  // it; then the lock goes. Returns every caller's result, the leader's ("+100") first, then "+20", "+21",
  // ...
  std::vector<Result<std::vector<std::int64_t>>> LeaderAndQueuedFollowers(GroupCommit& gc, int followers) {
    std::vector<Result<std::vector<std::int64_t>>> results(static_cast<std::size_t>(followers) + 1, kNotRun);
    WriteLock lock(*db_, engine());
    std::vector<std::thread> threads;
    threads.push_back(Start(gc, {Msg("+100")}, results[0]));
    std::this_thread::sleep_for(200ms);  // the leader now waits for the lock inside its transaction
    for (int i = 0; i < followers; ++i) {
      threads.push_back(Start(gc, {Msg("+2" + std::to_string(i))}, results[static_cast<std::size_t>(i) + 1]));
    }
    std::this_thread::sleep_for(300ms);
    lock.Release();
    for (auto& t : threads) t.join();
    return results;
  }

  // The number stored for each outbox id.
  std::map<std::int64_t, std::string> Outbox() {
    std::map<std::int64_t, std::string> numbers;
    auto list = store_->List(Folder::kOutbox, {});
    EXPECT_TRUE(list.ok());
    if (list.ok()) {
      for (const auto& m : *list) numbers[m.id] = m.number;
    }
    return numbers;
  }
};

TEST_P(GroupCommitTest, ConcurrentCallersGetExactlyTheirOwnIds) {
  GroupCommit gc(*store_);
  constexpr int kThreads = 8, kRequests = 40;
  std::atomic<int> failures{0};
  std::map<std::int64_t, std::string> expected;
  std::mutex expected_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRequests; ++i) {
        std::vector<NewMessage> request;
        for (int k = 0; k <= i % 3; ++k)
          request.push_back(Msg("+1" + std::to_string(t * 10000 + i * 10 + k)));
        auto ids = gc.Enqueue(request, kStart);
        if (!ids.ok() || ids->size() != request.size()) {
          ++failures;
          continue;
        }
        std::lock_guard lock(expected_mu);
        for (std::size_t k = 0; k < request.size(); ++k) expected[(*ids)[k]] = request[k].number;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Outbox(), expected);  // every id names its caller's message, and nothing else is stored
  const GroupCommit::Stats stats = gc.stats();
  EXPECT_EQ(stats.requests, std::uint64_t{kThreads * kRequests});
  EXPECT_LE(stats.commits, stats.requests);
}

TEST_P(GroupCommitTest, CallersQueuedBehindACommitShareOneTransaction) {
  GroupCommit gc(*store_);
  const auto results = LeaderAndQueuedFollowers(gc, 6);
  std::set<std::int64_t> ids;
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    ASSERT_EQ(r->size(), 1u);
    ids.insert(r->at(0));
  }
  EXPECT_EQ(ids.size(), 7u);
  EXPECT_EQ(Outbox().size(), 7u);
  EXPECT_EQ(gc.stats().commits, 2u);  // the leader alone, then the six followers together
  EXPECT_EQ(gc.stats().requests, 7u);
}

TEST_P(GroupCommitTest, BatchesAreBoundedByMaxBatchButABigRequestStillGoes) {
  GroupCommit gc(*store_, GroupCommitOptions{true, 2});
  for (const auto& r : LeaderAndQueuedFollowers(gc, 5)) EXPECT_TRUE(r.ok());
  EXPECT_EQ(gc.stats().commits, 4u);  // 1, then 2 + 2 + 1

  auto big = gc.Enqueue(std::vector<NewMessage>{Msg("+31"), Msg("+32"), Msg("+33")}, kStart);
  ASSERT_TRUE(big.ok()) << big.error().ToString();
  EXPECT_EQ(big->size(), 3u);
  EXPECT_EQ(Outbox().size(), 9u);
}

TEST_P(GroupCommitTest, AnInvalidRequestFailsAloneAndTheOthersAreStored) {
  GroupCommit gc(*store_);
  WriteLock lock(*db_, engine());
  Result<std::vector<std::int64_t>> first = kNotRun, bad = kNotRun, good1 = kNotRun, good2 = kNotRun;
  std::thread leader = Start(gc, {Msg("+100")}, first);
  std::this_thread::sleep_for(200ms);
  NewMessage invalid = Msg("+999");
  invalid.priority = 12;
  std::thread t1 = Start(gc, {Msg("+201")}, good1);
  std::thread t2 = Start(gc, {Msg("+202"), invalid}, bad);
  std::thread t3 = Start(gc, {Msg("+203"), Msg("+204")}, good2);
  std::this_thread::sleep_for(300ms);
  lock.Release();
  for (std::thread* t : {&leader, &t1, &t2, &t3}) t->join();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(first.ok() && good1.ok() && good2.ok());
  std::map<std::int64_t, std::string> expected{
      {first->at(0), "+100"}, {good1->at(0), "+201"}, {good2->at(0), "+203"}, {good2->at(1), "+204"}};
  EXPECT_EQ(Outbox(), expected);  // nothing of the invalid request, not even its valid first message
}

TEST_P(GroupCommitTest, AFailedBatchFailsEveryCallerAndStoresNothing) {
  GroupCommit gc(*store_);
  WriteLock lock(*db_, engine());
  Result<std::vector<std::int64_t>> first = kNotRun, a = kNotRun, b = kNotRun;
  std::thread leader = Start(gc, {Msg("+100")}, first);
  std::this_thread::sleep_for(200ms);
  std::thread t1 = Start(gc, {Msg("+201")}, a);
  std::thread t2 = Start(gc, {Msg("+202")}, b);
  std::this_thread::sleep_for(300ms);
  // Every insert after the lock now fails half-way (the message row goes in, its part cannot).
  lock.Run("DROP TABLE smsgw_message_parts");
  lock.Release();
  for (std::thread* t : {&leader, &t1, &t2}) t->join();
  for (const auto* r : {&first, &a, &b}) {
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->error().code(), ErrorCode::kInternal) << r->error().ToString();
  }
  auto session = db_->Acquire();
  ASSERT_TRUE(session.ok());
  int rows = -1;
  session->get() << "SELECT COUNT(*) FROM smsgw_messages", soci::into(rows);
  EXPECT_EQ(rows, 0);
}

TEST_P(GroupCommitTest, DisabledCommitsEveryRequestOnItsOwn) {
  GroupCommit gc(*store_, GroupCommitOptions{false, 256});
  std::vector<std::thread> threads;
  std::vector<Result<std::vector<std::int64_t>>> results(4, kNotRun);
  for (int i = 0; i < 4; ++i) threads.push_back(Start(gc, {Msg("+1" + std::to_string(i))}, results[i]));
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_TRUE(r.ok());
  EXPECT_EQ(gc.stats().commits, 4u);
  EXPECT_EQ(Outbox().size(), 4u);
  EXPECT_TRUE(gc.Enqueue({}, kStart)->empty());
}

TEST_P(GroupCommitTest, UnderLoadALeaderWaitsTheDelayForLateCallers) {
  GroupCommit gc(*store_, GroupCommitOptions{true, 256, std::chrono::microseconds(400ms)});
  // Load: a leader blocked on the write lock, two callers queued behind it, who then commit together.
  for (const auto& r : LeaderAndQueuedFollowers(gc, 2)) ASSERT_TRUE(r.ok());
  ASSERT_EQ(gc.stats().commits, 2u);
  // The previous batch carried two requests: the next leader waits 400 ms, and callers arriving 100 ms later
  // join its transaction instead of starting their own.
  Result<std::vector<std::int64_t>> lead = kNotRun;
  std::thread leader = Start(gc, {Msg("+300")}, lead);
  std::this_thread::sleep_for(100ms);
  std::vector<Result<std::vector<std::int64_t>>> late(3, kNotRun);
  std::vector<std::thread> callers;
  for (int i = 0; i < 3; ++i) callers.push_back(Start(gc, {Msg("+4" + std::to_string(i))}, late[i]));
  leader.join();
  for (auto& t : callers) t.join();
  ASSERT_TRUE(lead.ok()) << lead.error().ToString();
  for (const auto& r : late) ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(gc.stats().commits, 3u);
  EXPECT_EQ(gc.stats().requests, 7u);
  // Without load (the previous batch was one request) nobody waits.
  ASSERT_TRUE(gc.Enqueue(std::vector<NewMessage>{Msg("+50")}, kStart).ok());  // after a batch of 4: waits
  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(gc.Enqueue(std::vector<NewMessage>{Msg("+51")}, kStart).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - before, 300ms);
  EXPECT_EQ(Outbox().size(), 9u);
}

OSPREY_INSTANTIATE_FOR_ENGINES(GroupCommitTest);

}  // namespace
}  // namespace osprey::smsgw::queue
