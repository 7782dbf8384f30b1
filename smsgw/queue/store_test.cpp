// Enqueueing, claiming and the per-message state machine, on SQLite and PostgreSQL.
#include "smsgw/queue/store.hpp"

#include <gtest/gtest.h>

#include "smsgw/queue/queue_test_support.hpp"

namespace osprey::smsgw::queue {
namespace {

using namespace std::chrono_literals;
using modem::SubmitErrorClass;
using testing::Accepted;
using testing::At;
using testing::Failed;
using testing::kStart;
using testing::Msg;

class StoreTest : public testing::QueueTest {};

TEST_P(StoreTest, EnqueueReturnsIdsInOrderAndListsTheOutbox) {
  std::vector<NewMessage> batch = {Msg("+49 (170) 111"), Msg("+49170222", {"part one ", "part two"}),
                                   Msg("0170-333")};
  batch[1].oid = "order-7";
  batch[1].flash = true;
  batch[1].validity = "1h";
  auto ids = store_->Enqueue(batch, kStart);
  ASSERT_TRUE(ids.ok()) << ids.error().ToString();
  ASSERT_EQ(ids->size(), 3u);
  EXPECT_LT((*ids)[0], (*ids)[1]);
  EXPECT_LT((*ids)[1], (*ids)[2]);
  auto outbox = store_->List(Folder::kOutbox, {});
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 3u);
  const MessageRecord& m = (*outbox)[1];
  EXPECT_EQ(m.id, (*ids)[1]);
  EXPECT_EQ(m.number, "+49170222");
  EXPECT_EQ(m.text, "part one part two");
  EXPECT_EQ(m.total_parts, 2);
  EXPECT_EQ(m.oid, "order-7");
  EXPECT_TRUE(m.flash);
  EXPECT_EQ(m.validity, "1h");
  EXPECT_EQ(m.status, MessageStatus::kReserved);
  EXPECT_EQ(m.insert_date, kStart);
  EXPECT_FALSE(m.sending_date.has_value());
  EXPECT_EQ((*outbox)[0].number, "+49 (170) 111");  // stored as given
  EXPECT_EQ(CountIn(Folder::kOutbox), 3);
  EXPECT_EQ(CountIn(Folder::kSent), 0);
}

TEST_P(StoreTest, AnInvalidMessageRejectsTheWholeBatch) {
  std::vector<NewMessage> batch = {Msg("+1"), Msg("+2"), Msg("+3")};
  batch[2].priority = 10;
  EXPECT_EQ(store_->Enqueue(batch, kStart).error().code(), ErrorCode::kInvalidArgument);
  batch[2].priority = 9;
  batch[1].validity = "3h";
  EXPECT_FALSE(store_->Enqueue(batch, kStart).ok());
  batch[1].validity = "max";
  batch[0].parts.clear();
  EXPECT_FALSE(store_->Enqueue(batch, kStart).ok());
  EXPECT_EQ(CountIn(Folder::kOutbox), 0);
}

TEST_P(StoreTest, ClaimsByPriorityThenAge) {
  NewMessage low = Msg("+1"), high = Msg("+2");
  high.priority = 5;
  std::int64_t a = Enqueue(low, kStart);
  std::int64_t b = Enqueue(high, At(1s));
  std::int64_t c = Enqueue(high, At(2s));
  std::int64_t d = Enqueue(low, At(3s));
  for (std::int64_t want : {b, c, a, d}) {
    auto claim = Claim(At(10s));
    ASSERT_TRUE(claim.has_value());
    EXPECT_EQ(claim->id, want);
  }
  EXPECT_FALSE(Claim(At(10s)).has_value());  // all leased
}

TEST_P(StoreTest, ScheduledMessagesWaitForTheirDate) {
  NewMessage later = Msg("+1");
  later.not_before = At(1h);
  std::int64_t id = Enqueue(later);
  EXPECT_FALSE(Claim(At(59min)).has_value());
  auto claim = Claim(At(1h));
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->id, id);
}

TEST_P(StoreTest, DailyWindowIsRespectedAndMayWrapMidnight) {
  NewMessage morning = Msg("+1");
  morning.send_after = 8 * 60;
  morning.send_before = 9 * 60;
  std::int64_t m = Enqueue(morning);
  EXPECT_FALSE(Claim(At(7h + 59min)).has_value());
  EXPECT_FALSE(Claim(At(9h)).has_value());
  auto claim = Claim(At(8h + 30min));
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->id, m);
  ASSERT_EQ(SendAll(*claim, Accepted(), At(8h + 30min)), NextStep::kDone);

  NewMessage night = Msg("+2");
  night.send_after = 22 * 60;
  night.send_before = 6 * 60;
  std::int64_t n = Enqueue(night);
  EXPECT_FALSE(Claim(At(12h)).has_value());
  auto late = Claim(At(23h));
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->id, n);
  ASSERT_TRUE(store_->ReleaseLease(*late).ok());
  EXPECT_TRUE(Claim(At(24h + 5h)).has_value());  // 05:00 the next day
}

TEST_P(StoreTest, ModemPinIsRespected) {
  NewMessage pinned = Msg("+1");
  pinned.modem_no = 2;
  Enqueue(pinned);
  EXPECT_FALSE(Claim(kStart, 1).has_value());
  EXPECT_TRUE(Claim(kStart, 2).has_value());
}

TEST_P(StoreTest, ExpiredMessagesBecomeSendingErrorUnsent) {
  NewMessage short_lived = Msg("+1");
  short_lived.validity = "5m";
  std::int64_t id = Enqueue(short_lived);
  EXPECT_FALSE(Claim(At(6min)).has_value());
  EXPECT_EQ(CountIn(Folder::kOutbox), 1);
  EXPECT_EQ(*store_->ExpireOverdue(At(4min)), 0);
  EXPECT_EQ(*store_->ExpireOverdue(At(6min)), 1);
  MessageRecord m = Only(Folder::kError);
  EXPECT_EQ(m.id, id);
  EXPECT_EQ(m.status, MessageStatus::kSendingError);
  EXPECT_FALSE(m.error_code.has_value());
}

TEST_P(StoreTest, SuccessfulSendMovesToSentKeepingTheId) {
  std::int64_t id = Enqueue(Msg("+1", {"a", "b"}));
  auto claim = Claim(At(1s));
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->parts.size(), 2u);
  EXPECT_EQ(SendAll(*claim, Accepted(), At(2s)), NextStep::kDone);
  MessageRecord m = Only(Folder::kSent);
  EXPECT_EQ(m.id, id);
  EXPECT_EQ(m.status, MessageStatus::kSendingOkNoReport);
  EXPECT_EQ(m.sending_date, At(2s));
  EXPECT_EQ(m.modem_no, 1);
  EXPECT_FALSE(Claim(At(1h)).has_value());
}

TEST_P(StoreTest, TransientFailureIsRetriedAfterBackoffThenSent) {
  NewMessage report = Msg("+1");
  report.report_requested = true;
  std::int64_t id = Enqueue(report);
  auto claim = Claim();
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(SendAll(*claim, Failed(SubmitErrorClass::kTransient, 42)), NextStep::kDone);
  EXPECT_FALSE(Claim(At(29s)).has_value());  // first back-off step: 30 s
  auto retry = Claim(At(30s));
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->id, id);
  EXPECT_EQ(retry->attempts, 1);
  EXPECT_EQ(SendAll(*retry, modem::SubmitOutcome{7, true}, At(30s)), NextStep::kDone);
  MessageRecord m = Only(Folder::kSent);
  EXPECT_EQ(m.status, MessageStatus::kSendingOk);
  EXPECT_EQ(m.attempts, 1);
}

TEST_P(StoreTest, RetriesExhaustedGiveSendingError) {
  StoreOptions options = testing::UtcOptions();
  options.max_retries = 2;
  Reopen(options);
  Enqueue(Msg("+1"));
  Clock::TimePoint now = kStart;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto claim = Claim(now);
    ASSERT_TRUE(claim.has_value()) << attempt;
    SendAll(*claim, Failed(SubmitErrorClass::kTransient, 42), now);
    now += 1h;
  }
  EXPECT_FALSE(Claim(now).has_value());
  MessageRecord m = Only(Folder::kError);
  EXPECT_EQ(m.status, MessageStatus::kSendingError);
  EXPECT_EQ(m.error_code, 42);
  EXPECT_EQ(m.attempts, 3);
}

TEST_P(StoreTest, PermanentFailureStopsAtOnceWithTheCode) {
  Enqueue(Msg("+1", {"a", "b", "c"}));
  auto claim = Claim();
  ASSERT_TRUE(claim.has_value());
  ASSERT_TRUE(*store_->MarkSubmitting(*claim, 1, 1));
  ASSERT_EQ(*store_->RecordOutcome(*claim, 1, 1, Accepted(), kStart), NextStep::kNextPart);
  ASSERT_TRUE(*store_->MarkSubmitting(*claim, 2, 1));
  EXPECT_EQ(*store_->RecordOutcome(*claim, 2, 1, Failed(SubmitErrorClass::kPermanent, 8), kStart),
            NextStep::kDone);
  MessageRecord m = Only(Folder::kError);
  EXPECT_EQ(m.status, MessageStatus::kSendingError);
  EXPECT_EQ(m.error_code, 8);
  EXPECT_FALSE(Claim(At(1h)).has_value());
  EXPECT_FALSE(*store_->MarkSubmitting(*claim, 3, 1));  // the third part is never sent
}

TEST_P(StoreTest, UnknownOutcomeFollowsThePolicy) {
  std::int64_t resent = Enqueue(Msg("+1"));
  auto claim = Claim();
  SendAll(*claim, Failed(SubmitErrorClass::kUnknown, std::nullopt));
  auto again = Claim(At(30s));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->id, resent);
  SendAll(*again, Accepted(), At(30s));

  StoreOptions options = testing::UtcOptions();
  options.ambiguous_policy = AmbiguousPolicy::kMarkUnknown;
  Reopen(options);
  std::int64_t ambiguous = Enqueue(Msg("+2"));
  claim = Claim(At(1h));
  SendAll(*claim, Failed(SubmitErrorClass::kUnknown, std::nullopt), At(1h));
  MessageRecord m = Only(Folder::kError);
  EXPECT_EQ(m.id, ambiguous);
  EXPECT_EQ(m.status, MessageStatus::kError);
  EXPECT_EQ(m.error_reason, "ambiguous");
}

TEST_P(StoreTest, CrashRecoveryResendsAfterTheLeaseExpires) {
  std::int64_t id = Enqueue(Msg("+1", {"a", "b"}));
  auto claim = Claim();
  ASSERT_TRUE(*store_->MarkSubmitting(*claim, 1, 1));
  // The worker dies here: part 1 is `submitting`, the lease runs for 60 s.
  EXPECT_EQ(*store_->RecoverAbandoned(At(30s)), 0);
  EXPECT_FALSE(Claim(At(61s)).has_value());  // not before recovery: its part is ambiguous
  EXPECT_EQ(*store_->RecoverAbandoned(At(61s)), 1);
  auto again = Claim(At(61s));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->id, id);
  EXPECT_EQ(again->parts[0].state, PartState::kQueued);
  EXPECT_EQ(SendAll(*again, Accepted(), At(61s)), NextStep::kDone);
  EXPECT_EQ(Only(Folder::kSent).id, id);
}

TEST_P(StoreTest, CrashRecoveryCanMarkTheMessageAmbiguous) {
  StoreOptions options = testing::UtcOptions();
  options.ambiguous_policy = AmbiguousPolicy::kMarkUnknown;
  Reopen(options);
  std::int64_t id = Enqueue(Msg("+1"));
  auto claim = Claim();
  ASSERT_TRUE(*store_->MarkSubmitting(*claim, 1, 1));
  EXPECT_EQ(*store_->RecoverAbandoned(At(61s)), 1);
  MessageRecord m = Only(Folder::kError);
  EXPECT_EQ(m.status, MessageStatus::kError);
  EXPECT_EQ(m.error_reason, "ambiguous");
  auto status = store_->StatusOf(id, std::nullopt);
  ASSERT_TRUE(status.ok() && status->has_value());
  EXPECT_EQ((*status)->status, "Error");
}

TEST_P(StoreTest, RenewedLeasesAreNotTakenOver) {
  Enqueue(Msg("+1"));
  auto claim = Claim();
  ASSERT_TRUE(*store_->RenewLease(*claim, At(50s)));
  EXPECT_FALSE(Claim(At(100s)).has_value());  // renewed until 110 s
  auto other = Claim(At(111s));
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(*store_->RenewLease(*claim, At(112s)));  // the first worker lost it
  EXPECT_FALSE(*store_->MarkSubmitting(*claim, 1, 1));
}

TEST_P(StoreTest, StrandedPartSentMessageMovesWholeToAnotherModem) {
  std::int64_t id = Enqueue(Msg("+1", {"one", "two", "three"}));
  std::int64_t pinned_id = [&] {
    NewMessage pinned = Msg("+2", {"a", "b"});
    pinned.modem_no = 1;
    return Enqueue(pinned);
  }();
  // Modem 1 sends part 1 of each, then its part 2 gets no answer (modem lost): both stay with modem 1.
  for (int i = 0; i < 2; ++i) {
    auto claim = Claim(At(std::chrono::seconds(i)), 1);
    ASSERT_TRUE(claim.has_value());
    ASSERT_TRUE(*store_->MarkSubmitting(*claim, 1, 1));
    ASSERT_EQ(*store_->RecordOutcome(*claim, 1, 1, Accepted(10 + i), kStart), NextStep::kNextPart);
    ASSERT_TRUE(*store_->MarkSubmitting(*claim, 2, 1));
    ASSERT_EQ(*store_->RecordOutcome(*claim, 2, 1, Failed(SubmitErrorClass::kUnknown, std::nullopt), kStart),
              NextStep::kDone);
  }
  EXPECT_FALSE(Claim(At(10min), 2).has_value());  // modem 2 may not take them yet
  auto moved = store_->ReleaseStranded(1, At(10min));
  ASSERT_TRUE(moved.ok()) << moved.error().ToString();
  EXPECT_EQ(*moved, 1);  // the pinned message stays pinned
  auto claim = Claim(At(10min), 2);
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->id, id);
  ASSERT_EQ(claim->parts.size(), 3u);
  for (const auto& part : claim->parts) EXPECT_EQ(part.state, PartState::kQueued) << part.seq;
  EXPECT_EQ(SendAll(*claim, Accepted(3), At(10min), 2), NextStep::kDone);
  auto sent = store_->List(Folder::kSent, {});
  ASSERT_TRUE(sent.ok());
  ASSERT_EQ(sent->size(), 1u);
  EXPECT_EQ(sent->front().modem_no, 2);
  EXPECT_FALSE(Claim(At(10min), 2).has_value());
  auto back = Claim(At(10min), 1);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->id, pinned_id);
}

TEST_P(StoreTest, ReleaseStrandedLeavesLeasedMessagesAlone) {
  Enqueue(Msg("+1", {"one", "two"}));
  auto claim = Claim(kStart, 1);
  ASSERT_TRUE(claim.has_value());
  ASSERT_TRUE(*store_->MarkSubmitting(*claim, 1, 1));
  ASSERT_EQ(*store_->RecordOutcome(*claim, 1, 1, Accepted(), kStart), NextStep::kNextPart);
  auto moved = store_->ReleaseStranded(1, At(1s));  // still leased: modem 1 is sending it
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, 0);
}

OSPREY_INSTANTIATE_FOR_ENGINES(StoreTest);

}  // namespace
}  // namespace osprey::smsgw::queue
