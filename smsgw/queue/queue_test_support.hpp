// Test support for the queue (header-only, so the library glob leaves it out): a Store on a fresh database
// per engine, times relative to a fixed start, and helpers that drive one claim through the modem seam by
// hand.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "libs/sql/src/test_db.hpp"
#include "osprey/sql/migrations.hpp"
#include "smsgw/queue/migrations.hpp"
#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::queue::testing {

// 2026-01-05 00:00:00 UTC: the daily window tests read minutes of day from here.
inline const Clock::TimePoint kStart = Clock::TimePoint(std::chrono::seconds(1767571200));

inline Clock::TimePoint At(std::chrono::milliseconds offset) { return kStart + offset; }

inline StoreOptions UtcOptions() {
  StoreOptions options;
  options.minute_of_day = [](Clock::TimePoint t) {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    return static_cast<int>((secs % 86400) / 60);
  };
  return options;
}

inline NewMessage Msg(const std::string& number, std::vector<std::string> parts = {"hello"}) {
  NewMessage m;
  m.owner_id = 1;
  m.number = number;
  m.parts = std::move(parts);
  return m;
}

inline modem::SubmitResult Accepted(int mr = 1) { return modem::SubmitOutcome{mr, false}; }
inline modem::SubmitResult Failed(modem::SubmitErrorClass c, std::optional<int> cms) {
  return modem::SubmitFailure{c, cms, "test"};
}

class QueueTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    sql::DatabaseOptions options = SmallPool();
    options.pool_size = 5;  // two dispatcher loops, the lease keeper and the test's own reads
    db_ = OpenOrDie(options);
    ASSERT_NE(db_, nullptr);
    auto applied = sql::ApplyMigrations(*db_, QueueMigrations());
    ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    Reopen(UtcOptions());
  }

  void Reopen(StoreOptions options) { store_ = std::make_unique<Store>(*db_, std::move(options)); }

  std::int64_t Enqueue(const NewMessage& m, Clock::TimePoint now = kStart) {
    auto ids = store_->Enqueue(std::span<const NewMessage>(&m, 1), now);
    EXPECT_TRUE(ids.ok()) << ids.error().ToString();
    return ids.ok() ? ids->at(0) : -1;
  }

  std::optional<ClaimedMessage> Claim(Clock::TimePoint now = kStart, std::optional<int> modem_no = 1) {
    auto claim = store_->ClaimNext("test", modem_no, now);
    EXPECT_TRUE(claim.ok()) << claim.error().ToString();
    return claim.ok() ? *claim : std::nullopt;
  }

  // Submits every waiting part of `m` with the given answer; returns the last NextStep.
  NextStep SendAll(const ClaimedMessage& m, const modem::SubmitResult& result, Clock::TimePoint now = kStart,
                   int modem_no = 1) {
    NextStep next = NextStep::kDone;
    for (const auto& part : m.parts) {
      if (part.state != PartState::kQueued) continue;
      auto marked = store_->MarkSubmitting(m, part.seq, modem_no);
      EXPECT_TRUE(marked.ok() && *marked);
      auto step = store_->RecordOutcome(m, part.seq, modem_no, result, now);
      EXPECT_TRUE(step.ok()) << step.error().ToString();
      next = *step;
      if (next == NextStep::kDone) break;
    }
    return next;
  }

  MessageRecord Only(Folder folder) {
    auto list = store_->List(folder, {});
    EXPECT_TRUE(list.ok()) << list.error().ToString();
    EXPECT_EQ(list->size(), 1u) << FolderName(folder);
    return list->empty() ? MessageRecord{} : list->front();
  }

  std::int64_t CountIn(Folder folder, MessageFilter filter = {}) {
    auto n = store_->Count(folder, filter);
    EXPECT_TRUE(n.ok()) << n.error().ToString();
    return n.ok() ? *n : -1;
  }

  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<Store> store_;
};

}  // namespace osprey::smsgw::queue::testing
