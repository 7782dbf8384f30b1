// InboxStore on each engine: single and multipart messages, duplicates, stale flushing, oid matching,
// filters and the notifications enqueued with each message.
#include "smsgw/inbox/inbox_store.hpp"

#include <gtest/gtest.h>

#include "smsgw/inbox/inbox_test_support.hpp"
#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::inbox::testing {
namespace {

using namespace std::chrono_literals;

class InboxStoreTest : public InboxTest {
 protected:
  std::int64_t Rows(const std::string& table) {
    long long n = -1;
    auto session = db_->Acquire();
    EXPECT_TRUE(session.ok());
    if (session.ok()) **session << "SELECT CAST(COUNT(*) AS BIGINT) FROM " + table, soci::into(n);
    return n;
  }
};

TEST_P(InboxStoreTest, SinglePartBecomesAMessageAtOnce) {
  modem::IncomingSms sms = Sms("+48 600 100 200", "Hello", kStart - 3s, 2);
  sms.coding = "unicode";
  auto added = inbox_->AddPart(sms, kStart);
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  EXPECT_EQ(added->outcome, AddOutcome::kMessage);
  ASSERT_TRUE(added->message_id.has_value());
  auto all = All();
  ASSERT_EQ(all.size(), 1u);
  const InboxMessage& m = all[0];
  EXPECT_EQ(m.id, *added->message_id);
  EXPECT_EQ(m.modem_no, 2);
  EXPECT_EQ(m.number, "+48 600 100 200");
  EXPECT_EQ(m.text, "Hello");
  EXPECT_EQ(m.coding, "unicode");
  EXPECT_EQ(m.parts, 1);
  EXPECT_TRUE(m.complete);
  EXPECT_EQ(m.receive_date, kStart - 3s);
  EXPECT_EQ(m.insert_date, kStart);
  EXPECT_FALSE(m.oid.has_value());
  EXPECT_FALSE(m.read);
  EXPECT_TRUE(m.processed);  // no notification configured
  EXPECT_EQ(Rows("smsgw_notifications"), 0);
}

TEST_P(InboxStoreTest, MultipartIsJoinedInSeqOrderWhateverTheArrivalOrder) {
  EXPECT_EQ(Add(Part("+48111", 7, 3, 3, "three")), AddOutcome::kPending);
  EXPECT_EQ(Add(Part("+48111", 7, 3, 1, "one ")), AddOutcome::kPending);
  EXPECT_TRUE(All().empty());
  modem::IncomingSms middle = Part("+48111", 7, 3, 2, "two ", kStart - 1s);
  middle.coding = "unicode";
  EXPECT_EQ(Add(middle), AddOutcome::kMessage);
  auto all = All();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].text, "one two three");
  EXPECT_EQ(all[0].parts, 3);
  EXPECT_EQ(all[0].coding, "unicode");
  EXPECT_EQ(all[0].receive_date, kStart - 1s);  // the earliest part
  EXPECT_TRUE(all[0].complete);
  EXPECT_EQ(Rows("smsgw_inbox_parts"), 0);
}

TEST_P(InboxStoreTest, KeysOfOtherModemsSendersAndTotalsDoNotMix) {
  EXPECT_EQ(Add(Part("+48111", 7, 2, 1, "a")), AddOutcome::kPending);
  EXPECT_EQ(Add(Part("+48222", 7, 2, 2, "b")), AddOutcome::kPending);
  EXPECT_EQ(Add(Part("+48111", 7, 2, 2, "c", kStart, 2)), AddOutcome::kPending);
  EXPECT_EQ(Add(Part("+48111", 7, 3, 2, "d")), AddOutcome::kPending);
  EXPECT_EQ(Add(Part("+48111", 8, 2, 2, "e")), AddOutcome::kPending);
  EXPECT_TRUE(All().empty());
  EXPECT_EQ(Add(Part("+48111", 7, 2, 2, "f")), AddOutcome::kMessage);
  auto all = All();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].text, "af");
}

TEST_P(InboxStoreTest, DuplicatesAreIgnoredBeforeAndAfterJoining) {
  EXPECT_EQ(Add(Part("+48111", 9, 2, 1, "first ")), AddOutcome::kPending);
  EXPECT_EQ(Add(Part("+48111", 9, 2, 1, "first ")), AddOutcome::kDuplicate);  // offered again
  EXPECT_EQ(Add(Part("+48111", 9, 2, 2, "second")), AddOutcome::kMessage);
  // A worker restarted before deleting the parts from the SIM offers them again.
  EXPECT_EQ(Add(Part("+48111", 9, 2, 2, "second"), kStart + 30s), AddOutcome::kDuplicate);
  EXPECT_EQ(Add(Part("+48111", 9, 2, 1, "first "), kStart + 30s), AddOutcome::kDuplicate);
  EXPECT_EQ(Rows("smsgw_inbox_parts"), 0);
  auto flushed = inbox_->FlushStale(kStart + 1h);
  ASSERT_TRUE(flushed.ok());
  EXPECT_EQ(*flushed, 0);
  EXPECT_EQ(All().size(), 1u);

  EXPECT_EQ(Add(Sms("+48222", "single")), AddOutcome::kMessage);
  EXPECT_EQ(Add(Sms("+48222", "single"), kStart + 5s), AddOutcome::kDuplicate);
  EXPECT_EQ(Add(Sms("+48222", "single", kStart + 10s)), AddOutcome::kMessage);  // sent again later
  EXPECT_EQ(All().size(), 3u);
}

TEST_P(InboxStoreTest, TheSameReferenceLaterIsANewMessage) {
  EXPECT_EQ(Add(Part("+48111", 5, 2, 1, "old ")), AddOutcome::kPending);
  EXPECT_EQ(Add(Part("+48111", 5, 2, 2, "one")), AddOutcome::kMessage);
  const Clock::TimePoint later = kStart + 48h;
  EXPECT_EQ(Add(Part("+48111", 5, 2, 2, "two", later), later), AddOutcome::kPending);
  EXPECT_EQ(Add(Part("+48111", 5, 2, 1, "new ", later), later), AddOutcome::kMessage);
  auto all = All();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].text, "old one");
  EXPECT_EQ(all[1].text, "new two");
}

TEST_P(InboxStoreTest, StaleSetsAreJoinedAsTheyAreAfterTheTimeout) {
  EXPECT_EQ(Add(Part("+48111", 3, 3, 3, "C"), kStart), AddOutcome::kPending);
  EXPECT_EQ(Add(Part("+48111", 3, 3, 1, "A"), kStart + 100s), AddOutcome::kPending);
  EXPECT_EQ(Add(Part("+48222", 4, 2, 1, "young"), kStart + 500s), AddOutcome::kPending);
  auto flushed = inbox_->FlushStale(kStart + 599s);
  ASSERT_TRUE(flushed.ok()) << flushed.error().ToString();
  EXPECT_EQ(*flushed, 0);
  flushed = inbox_->FlushStale(kStart + 600s);
  ASSERT_TRUE(flushed.ok());
  EXPECT_EQ(*flushed, 1);
  auto all = All();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].text, "AC");
  EXPECT_EQ(all[0].parts, 2);
  EXPECT_FALSE(all[0].complete);
  EXPECT_EQ(Rows("smsgw_inbox_parts"), 1);  // the younger set waits on
  // The missing middle part arrives late, as sent at the same time as its siblings: already joined.
  EXPECT_EQ(Add(Part("+48111", 3, 3, 2, "B"), kStart + 700s), AddOutcome::kDuplicate);
}

TEST_P(InboxStoreTest, OutOfRangeConcatInfoIsRejected) {
  for (auto [total, seq] : {std::pair{2, 0}, std::pair{2, 3}, std::pair{256, 1}}) {
    auto added = inbox_->AddPart(Part("+48111", 1, total, seq, "x"), kStart);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST_P(InboxStoreTest, ReplyGetsTheOidOfTheNewestOutgoingMessageToThatNumber) {
  queue::Store queue(*db_);
  const auto enqueue = [&](const std::string& number, std::optional<std::string> oid) {
    queue::NewMessage m;
    m.owner_id = 1;
    m.number = number;
    m.parts = {"question"};
    m.oid = std::move(oid);
    auto ids = queue.Enqueue(std::span<const queue::NewMessage>(&m, 1), kStart);
    ASSERT_TRUE(ids.ok()) << ids.error().ToString();
  };
  enqueue("+48 123-456", "first");
  enqueue("+48123456", "second");
  enqueue("+48123456", std::nullopt);  // newer, without an oid
  enqueue("+48999", "other");
  EXPECT_EQ(inbox_->MatchOid("+48(123)456")->value_or(""), "second");
  EXPECT_FALSE(inbox_->MatchOid("48123456")->has_value());  // not the same number without its '+'
  EXPECT_EQ(Add(Sms("+48123456", "answer")), AddOutcome::kMessage);
  EXPECT_EQ(Add(Part("+48999", 1, 2, 1, "a")), AddOutcome::kPending);
  EXPECT_EQ(Add(Part("+48999", 1, 2, 2, "b")), AddOutcome::kMessage);
  EXPECT_EQ(Add(Sms("Vodafone", "promo")), AddOutcome::kMessage);
  auto all = All();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].oid, "second");
  EXPECT_EQ(all[1].oid, "other");
  EXPECT_FALSE(all[2].oid.has_value());
}

TEST_P(InboxStoreTest, FiltersCountDeleteAndMarkRead) {
  ASSERT_EQ(Add(Sms("+48111", "a", kStart, 1)), AddOutcome::kMessage);
  ASSERT_EQ(Add(Sms("+48 222", "b", kStart + 1h, 2)), AddOutcome::kMessage);
  ASSERT_EQ(Add(Sms("+48111", "c", kStart + 2h, 2)), AddOutcome::kMessage);
  const auto ids = [&](InboxQuery q) {
    std::vector<std::string> texts;
    for (const auto& m : All(q)) texts.push_back(m.text);
    return texts;
  };
  using V = std::vector<std::string>;
  const std::int64_t first = All()[0].id;
  InboxQuery q;
  q.filter.id_from = first + 1;
  EXPECT_EQ(ids(q), (V{"b", "c"}));
  q = {};
  q.filter.id_to = first;
  EXPECT_EQ(ids(q), (V{"a"}));
  q = {};
  q.filter.number = "+48-111";
  EXPECT_EQ(ids(q), (V{"a", "c"}));
  q = {};
  q.filter.date_from = kStart + 1h;
  q.filter.date_to = kStart + 1h;
  EXPECT_EQ(ids(q), (V{"b"}));
  q = {};
  q.filter.modem_no = 2;
  q.filter.limit = 1;
  EXPECT_EQ(ids(q), (V{"b"}));
  q = {};
  q.filter.owner_id = 42;  // the inbox belongs to no creator: every reader sees it
  EXPECT_EQ(ids(q).size(), 3u);
  q.filter.sender_name = "alice";
  EXPECT_TRUE(ids(q).empty());

  auto marked = inbox_->MarkRead(first, first + 1, true, kStart + 3h);
  ASSERT_TRUE(marked.ok()) << marked.error().ToString();
  EXPECT_EQ(*marked, 2);
  EXPECT_EQ(*inbox_->MarkRead(first, first + 1, true, kStart + 3h), 0);  // already read
  q = {};
  q.unread_only = true;
  EXPECT_EQ(ids(q), (V{"c"}));
  EXPECT_EQ(*inbox_->Count(q), 1);
  EXPECT_EQ(*inbox_->Count({}), 3);
  EXPECT_TRUE(All()[0].read);
  EXPECT_EQ(All()[0].update_date, kStart + 3h);

  auto removed = inbox_->Delete(first, first + 1);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ(ids({}), (V{"c"}));
  EXPECT_EQ(*inbox_->Delete(first, first + 1), 0);
}

TEST_P(InboxStoreTest, EachMessageEnqueuesItsNotificationsOnce) {
  Reopen({.notify_callback = true, .notify_webhook = true});
  EXPECT_EQ(Add(Part("+48111", 1, 2, 1, "a")), AddOutcome::kPending);
  EXPECT_EQ(Rows("smsgw_notifications"), 0);
  EXPECT_EQ(Add(Part("+48111", 1, 2, 2, "b")), AddOutcome::kMessage);
  EXPECT_EQ(Rows("smsgw_notifications"), 2);
  EXPECT_EQ(Add(Part("+48111", 1, 2, 2, "b")), AddOutcome::kDuplicate);
  EXPECT_EQ(Rows("smsgw_notifications"), 2);
  EXPECT_FALSE(All()[0].processed);
}

OSPREY_INSTANTIATE_FOR_ENGINES(InboxStoreTest);

}  // namespace
}  // namespace osprey::smsgw::inbox::testing
