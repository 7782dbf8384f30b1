// Test support for the inbox (header-only, so the library glob leaves it out): a fresh database per engine
// with the queue's and the inbox's schema, and incoming parts built in one line.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "libs/sql/src/test_db.hpp"
#include "osprey/sql/migrations.hpp"
#include "smsgw/inbox/inbox_store.hpp"
#include "smsgw/inbox/migrations.hpp"
#include "smsgw/queue/migrations.hpp"

namespace osprey::smsgw::inbox::testing {

// 2026-01-05 00:00:00 UTC.
inline const Clock::TimePoint kStart = Clock::TimePoint(std::chrono::seconds(1767571200));

inline modem::IncomingSms Sms(const std::string& sender, const std::string& text,
                              Clock::TimePoint received = kStart, int modem_no = 1) {
  modem::IncomingSms sms;
  sms.modem_no = modem_no;
  sms.sender = sender;
  sms.text = text;
  sms.coding = "standard";
  sms.received_at = received;
  return sms;
}

inline modem::IncomingSms Part(const std::string& sender, int ref, int total, int seq,
                               const std::string& text, Clock::TimePoint received = kStart,
                               int modem_no = 1) {
  modem::IncomingSms sms = Sms(sender, text, received, modem_no);
  sms.concat = modem::IncomingConcat{ref, total, seq};
  return sms;
}

class InboxTest : public sql::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    db_ = OpenOrDie(SmallPool());
    ASSERT_NE(db_, nullptr);
    for (const sql::MigrationSet* set : {&queue::QueueMigrations(), &InboxMigrations()}) {
      auto applied = sql::ApplyMigrations(*db_, *set);
      ASSERT_TRUE(applied.ok()) << applied.error().ToString();
    }
    Reopen({});
  }

  void Reopen(InboxOptions options) { inbox_ = std::make_unique<InboxStore>(*db_, options); }

  AddOutcome Add(const modem::IncomingSms& sms, Clock::TimePoint now = kStart) {
    auto added = inbox_->AddPart(sms, now);
    EXPECT_TRUE(added.ok()) << added.error().ToString();
    return added.ok() ? added->outcome : AddOutcome::kDuplicate;
  }

  std::vector<InboxMessage> All(InboxQuery query = {}) {
    auto list = inbox_->List(query);
    EXPECT_TRUE(list.ok()) << list.error().ToString();
    return list.ok() ? *list : std::vector<InboxMessage>{};
  }

  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<InboxStore> inbox_;
};

}  // namespace osprey::smsgw::inbox::testing
