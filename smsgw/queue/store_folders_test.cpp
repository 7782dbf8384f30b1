// Folder reads, the status endpoint, delivery reports, deletion and modem reassignment.
#include <gtest/gtest.h>

#include "smsgw/queue/queue_test_support.hpp"
#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::queue {
namespace {

using namespace std::chrono_literals;
using testing::Accepted;
using testing::At;
using testing::kStart;
using testing::Msg;

class StoreFoldersTest : public testing::QueueTest {
 protected:
  // Sends one outbox message through modem 1 with increasing TP-MRs starting at `mr`.
  void SendNext(int mr, Clock::TimePoint now) {
    auto claim = Claim(now);
    ASSERT_TRUE(claim.has_value());
    for (const auto& part : claim->parts) {
      ASSERT_TRUE(*store_->MarkSubmitting(*claim, part.seq, 1));
      ASSERT_TRUE(store_->RecordOutcome(*claim, part.seq, 1, modem::SubmitOutcome{mr++, true}, now).ok());
    }
  }

  bool Report(int mr, const std::string& number, int tp_st, Clock::TimePoint at) {
    auto matched = store_->RecordDeliveryReport(modem::DeliveryReport{1, mr, number, tp_st, at});
    EXPECT_TRUE(matched.ok()) << matched.error().ToString();
    return matched.ok() && *matched;
  }

  std::string StatusName(std::int64_t id, std::optional<std::int64_t> owner = std::nullopt) {
    auto status = store_->StatusOf(id, owner);
    EXPECT_TRUE(status.ok());
    return status.ok() && status->has_value() ? (*status)->status : "<none>";
  }
};

TEST_P(StoreFoldersTest, DeliveryReportsDriveTheAggregateStatus) {
  NewMessage m = Msg("+49 170 1", {"a", "b"});
  m.report_requested = true;
  std::int64_t id = Enqueue(m);
  EXPECT_EQ(StatusName(id), "queued");
  EXPECT_EQ((*store_->StatusOf(id, std::nullopt))->folder, "outbox");
  SendNext(10, At(1s));
  EXPECT_EQ(StatusName(id), "SendingOK");
  EXPECT_EQ((*store_->StatusOf(id, std::nullopt))->folder, "sentitems");
  EXPECT_FALSE(Report(10, "+491709", 0x00, At(2s)));  // other recipient
  EXPECT_FALSE(Report(12, "+491701", 0x00, At(2s)));  // unknown MR
  EXPECT_TRUE(Report(10, "+491701", 0x00, At(2s)));
  EXPECT_EQ(StatusName(id), "SendingOK");
  EXPECT_TRUE(Report(11, "+491701", 0x21, At(3s)));
  EXPECT_EQ(StatusName(id), "DeliveryPending");
  EXPECT_TRUE(Report(11, "+491701", 0x00, At(4s)));  // a final report after a pending one
  EXPECT_EQ(StatusName(id), "DeliveryOK");
  MessageRecord record = Only(Folder::kDelivered);
  EXPECT_EQ(record.delivery_date, At(4s));
  EXPECT_FALSE(Report(11, "+491701", 0x00, At(5s)));  // already final

  std::int64_t failed = Enqueue(Msg("+2"));
  SendNext(20, At(10s));
  EXPECT_FALSE(Report(20, "+2", 0x46, At(10s) + 25h));  // outside the report window
  EXPECT_TRUE(Report(20, "+2", 0x46, At(11s)));
  EXPECT_EQ(StatusName(failed), "DeliveryFailed");
  EXPECT_EQ(CountIn(Folder::kSent), 2);
  EXPECT_EQ(CountIn(Folder::kDelivered), 1);
}

TEST_P(StoreFoldersTest, FiltersSelectMessages) {
  std::int64_t first = Enqueue(Msg("+1"), kStart);
  Enqueue(Msg("+2"), At(1h));
  std::int64_t third = Enqueue(Msg("+1"), At(2h));
  MessageFilter f;
  f.number = "+1";
  EXPECT_EQ(CountIn(Folder::kOutbox, f), 2);
  f = {};
  f.id_from = first + 1;
  f.id_to = third;
  EXPECT_EQ(CountIn(Folder::kOutbox, f), 2);
  f = {};
  f.date_from = At(30min);
  f.date_to = At(1h);
  EXPECT_EQ(CountIn(Folder::kOutbox, f), 1);
  f = {};
  f.limit = 2;
  auto limited = store_->List(Folder::kOutbox, f);
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ(limited->front().id, first);
  SendNext(1, At(3h));
  f = {};
  f.modem_no = 1;
  EXPECT_EQ(CountIn(Folder::kSent, f), 1);
  f.modem_no = 2;
  EXPECT_EQ(CountIn(Folder::kSent, f), 0);
  f = {};
  f.date_from = At(3h);  // the sent folder compares the sending date
  EXPECT_EQ(CountIn(Folder::kSent, f), 1);
}

TEST_P(StoreFoldersTest, OwnersSeeOnlyTheirMessages) {
  NewMessage mine = Msg("+1"), theirs = Msg("+2");
  mine.owner_id = 7;
  theirs.owner_id = 8;
  std::int64_t a = Enqueue(mine), b = Enqueue(theirs);
  MessageFilter f;
  f.owner_id = 7;
  auto list = store_->List(Folder::kOutbox, f);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().id, a);
  EXPECT_EQ(StatusName(b, 7), "<none>");
  EXPECT_EQ(StatusName(b, 8), "queued");
  EXPECT_EQ(*store_->Delete(Folder::kOutbox, 0, 1000, 7), 1);
  EXPECT_EQ(CountIn(Folder::kOutbox), 1);
  EXPECT_EQ(StatusName(a), "<none>");
}

TEST_P(StoreFoldersTest, DeletingFromTheOutboxCancelsWaitingParts) {
  std::int64_t sending = Enqueue(Msg("+1", {"a", "b"}));
  std::int64_t waiting = Enqueue(Msg("+2"));
  std::int64_t kept = Enqueue(Msg("+3"));
  auto claim = Claim();
  ASSERT_EQ(claim->id, sending);
  ASSERT_TRUE(*store_->MarkSubmitting(*claim, 1, 1));
  EXPECT_EQ(*store_->Delete(Folder::kOutbox, sending, waiting, std::nullopt), 2);
  // The part being submitted completes; nothing more of the message is sent.
  auto next = store_->RecordOutcome(*claim, 1, 1, Accepted(), kStart);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, NextStep::kDone);
  EXPECT_FALSE(*store_->MarkSubmitting(*claim, 2, 1));
  auto remaining = Claim(At(1s));
  ASSERT_TRUE(remaining.has_value());
  EXPECT_EQ(remaining->id, kept);
  EXPECT_EQ(CountIn(Folder::kSent), 0);
}

TEST_P(StoreFoldersTest, DeletingSentMessages) {
  Enqueue(Msg("+1"));
  std::int64_t waiting = Enqueue(Msg("+2"));
  SendNext(1, kStart);
  EXPECT_EQ(*store_->Delete(Folder::kSent, 0, waiting, std::nullopt), 1);
  EXPECT_EQ(CountIn(Folder::kSent), 0);
  EXPECT_EQ(CountIn(Folder::kOutbox), 1);  // the sent delete leaves the outbox alone
  EXPECT_EQ(*store_->Delete(Folder::kSent, 0, waiting, std::nullopt), 0);
}

TEST_P(StoreFoldersTest, ReassignsWaitingOutboxMessagesToAnotherModem) {
  NewMessage pinned = Msg("+1", {"a", "b"});
  pinned.modem_no = 1;
  std::int64_t started = Enqueue(pinned);
  std::int64_t waiting = Enqueue(pinned);
  auto claim = Claim(kStart, 1);
  ASSERT_EQ(claim->id, started);
  ASSERT_TRUE(*store_->MarkSubmitting(*claim, 1, 1));
  ASSERT_EQ(*store_->RecordOutcome(*claim, 1, 1, Accepted(), kStart), NextStep::kNextPart);
  EXPECT_EQ(*store_->ReassignOutboxModem(1, 2), 1);  // the half-sent message stays on modem 1
  auto on_two = Claim(kStart, 2);
  ASSERT_TRUE(on_two.has_value());
  EXPECT_EQ(on_two->id, waiting);
  EXPECT_EQ(*store_->ReassignOutboxModem(5, 6), 0);
}

TEST_P(StoreFoldersTest, ReassigningIsScopedToAnOwner) {
  NewMessage mine = Msg("+1"), theirs = Msg("+2");
  mine.modem_no = theirs.modem_no = 1;
  mine.owner_id = 7;
  theirs.owner_id = 8;
  Enqueue(mine);
  std::int64_t other = Enqueue(theirs);
  EXPECT_EQ(*store_->ReassignOutboxModem(1, 2, 7), 1);
  auto on_one = Claim(kStart, 1);
  ASSERT_TRUE(on_one.has_value());
  EXPECT_EQ(on_one->id, other);  // owner 8's message kept its pin
}

// Owner names come from smsgw/accounts' gateway_users: the two columns the store reads, made by hand so the
// queue's tests need not link the accounts module.
class StoreOwnerNamesTest : public StoreFoldersTest {
 protected:
  void SetUp() override {
    StoreFoldersTest::SetUp();
    if (IsSkipped()) return;
    auto session = db_->Acquire();
    ASSERT_TRUE(session.ok());
    session->get() << "CREATE TABLE gateway_users (id BIGINT PRIMARY KEY, username TEXT NOT NULL)";
    session->get() << "INSERT INTO gateway_users (id, username) VALUES (7, 'alice'), (8, 'bob')";
  }
};

TEST_P(StoreOwnerNamesTest, SenderNameFiltersAndOwnerNamesResolve) {
  NewMessage alice = Msg("+1"), bob = Msg("+2"), gone = Msg("+3");
  alice.owner_id = 7;
  bob.owner_id = 8;
  gone.owner_id = 9;  // a removed user
  std::int64_t a = Enqueue(alice);
  Enqueue(bob);
  Enqueue(gone);
  MessageFilter f;
  f.sender_name = "alice";
  auto list = store_->List(Folder::kOutbox, f);
  ASSERT_TRUE(list.ok()) << list.error().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().id, a);
  f.number = "+1";  // both string filters together
  EXPECT_EQ(CountIn(Folder::kOutbox, f), 1);
  f.number = "+2";
  EXPECT_EQ(CountIn(Folder::kOutbox, f), 0);
  f = {};
  f.sender_name = "nobody";
  EXPECT_EQ(CountIn(Folder::kOutbox, f), 0);
  f.sender_name = "alice' OR '1'='1";
  EXPECT_EQ(CountIn(Folder::kOutbox, f), 0);

  const std::int64_t owners[] = {7, 8, 9};
  auto names = store_->OwnerNames(owners);
  ASSERT_TRUE(names.ok()) << names.error().ToString();
  EXPECT_EQ(*names, (std::map<std::int64_t, std::string>{{7, "alice"}, {8, "bob"}}));
  auto none = store_->OwnerNames({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

OSPREY_INSTANTIATE_FOR_ENGINES(StoreFoldersTest);
OSPREY_INSTANTIATE_FOR_ENGINES(StoreOwnerNamesTest);

}  // namespace
}  // namespace osprey::smsgw::queue
