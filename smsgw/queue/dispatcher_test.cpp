// The dispatcher end to end over loopback modems, including the acceptance test: two dispatchers on separate
// Database handles share one database and every part goes out exactly once.
#include "smsgw/queue/dispatcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>
#include <utility>

#include "smsgw/modem/loopback_driver.hpp"
#include "smsgw/queue/queue_test_support.hpp"

namespace osprey::smsgw::queue {
namespace {

using namespace std::chrono_literals;
using modem::LoopbackDriver;
using testing::kStart;
using testing::Msg;

DispatcherOptions FastOptions(const std::string& id) {
  DispatcherOptions options;
  options.id = id;
  options.poll_interval = 20ms;
  options.renew_interval = 50ms;
  return options;
}

class DispatcherTest : public testing::QueueTest {
 protected:
  // Waits (real time) until `folder` holds `n` messages; false after `limit`.
  bool WaitForCount(Folder folder, std::int64_t n, std::chrono::seconds limit = 20s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (CountIn(folder) == n) return true;
      std::this_thread::sleep_for(25ms);
    }
    return false;
  }

  FakeClock clock_{kStart};
};

TEST_P(DispatcherTest, SendsMultipartMessagesThroughOneModemInOrder) {
  LoopbackDriver one(1, 0ms), two(2, 0ms);
  std::vector<NewMessage> batch;
  for (int i = 0; i < 20; ++i) batch.push_back(Msg("+49" + std::to_string(i), {"a", "b", "c"}));
  ASSERT_TRUE(store_->Enqueue(batch, kStart).ok());
  Dispatcher dispatcher(*store_, {&one, &two}, clock_, FastOptions("d"));
  dispatcher.Start();
  dispatcher.Wake();
  ASSERT_TRUE(WaitForCount(Folder::kSent, 20));
  dispatcher.Stop();
  std::map<std::int64_t, std::vector<std::pair<int, int>>> parts;  // id -> (modem, seq)
  for (LoopbackDriver* d : {&one, &two}) {
    for (const auto& r : d->Records()) parts[r.part.message_id].emplace_back(d->modem_no(), r.part.part_no);
  }
  ASSERT_EQ(parts.size(), 20u);
  for (const auto& [id, sent] : parts) {
    ASSERT_EQ(sent.size(), 3u) << id;
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(sent[i].first, sent[0].first) << id;
      EXPECT_EQ(sent[i].second, i + 1) << id;
    }
  }
}

TEST_P(DispatcherTest, RetriesATransientFailureAfterTheBackoff) {
  StoreOptions options = testing::UtcOptions();
  options.backoff = {30s};
  Reopen(options);
  LoopbackDriver modem(1, 0ms);
  modem.FailNext(1, 42);
  Enqueue(Msg("+1"));
  Dispatcher dispatcher(*store_, {&modem}, clock_, FastOptions("d"));
  dispatcher.Start();
  // Advance the clock only once the failure is recorded, or the back-off would start from the new time.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  auto attempts = [&] {
    auto outbox = store_->List(Folder::kOutbox, {});
    return outbox.ok() && outbox->size() == 1 ? outbox->front().attempts : -1;
  };
  while (attempts() != 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(attempts(), 1);
  ASSERT_EQ(modem.Records().size(), 1u);
  clock_.Advance(30s);
  dispatcher.Wake();
  ASSERT_TRUE(WaitForCount(Folder::kSent, 1));
  dispatcher.Stop();
  EXPECT_EQ(modem.AcceptedCount(), 1u);
  EXPECT_EQ(Only(Folder::kSent).attempts, 1);
}

TEST_P(DispatcherTest, StopJoinsWhileIdle) {
  LoopbackDriver modem(1, 0ms);
  Dispatcher dispatcher(*store_, {&modem}, clock_, FastOptions("d"));
  dispatcher.Start();
  std::this_thread::sleep_for(30ms);
  dispatcher.Stop();
  dispatcher.Stop();
  EXPECT_TRUE(modem.Records().empty());
}

// Acceptance: two dispatchers, each on its own Database handle, with two loopback modems each; 2,000 messages
// (every fourth has two parts); every part is submitted exactly once.
TEST_P(DispatcherTest, TwoDispatchersSendEveryPartExactlyOnce) {
  constexpr int kMessages = 2000;
  std::vector<NewMessage> batch;
  std::size_t expected_parts = 0;
  for (int i = 0; i < kMessages; ++i) {
    batch.push_back(i % 4 == 0 ? Msg("+1" + std::to_string(i), {"x", "y"}) : Msg("+1" + std::to_string(i)));
    batch.back().priority = i % 3;
    expected_parts += batch.back().parts.size();
  }
  for (std::size_t i = 0; i < batch.size(); i += 100) {
    ASSERT_TRUE(store_->Enqueue(std::span<const NewMessage>(batch).subspan(i, 100), kStart).ok());
  }
  auto other_db = OpenOrDie();
  ASSERT_NE(other_db, nullptr);
  Store other_store(*other_db, testing::UtcOptions());
  LoopbackDriver m1(1, 0ms), m2(2, 0ms), m3(3, 0ms), m4(4, 0ms);
  Dispatcher a(*store_, {&m1, &m2}, clock_, FastOptions("a"));
  Dispatcher b(other_store, {&m3, &m4}, clock_, FastOptions("b"));
  a.Start();
  b.Start();
  ASSERT_TRUE(WaitForCount(Folder::kSent, kMessages, 60s)) << CountIn(Folder::kSent);
  a.Stop();
  b.Stop();
  std::map<std::pair<std::int64_t, int>, int> submissions;
  std::size_t total = 0;
  for (LoopbackDriver* d : {&m1, &m2, &m3, &m4}) {
    for (const auto& r : d->Records()) {
      ++submissions[{r.part.message_id, r.part.part_no}];
      ++total;
    }
    EXPECT_GT(d->AcceptedCount(), 0u) << "modem " << d->modem_no() << " sent nothing";
  }
  EXPECT_EQ(total, expected_parts);
  EXPECT_EQ(submissions.size(), expected_parts);
  for (const auto& [key, count] : submissions) EXPECT_EQ(count, 1) << key.first << "/" << key.second;
  EXPECT_EQ(CountIn(Folder::kOutbox), 0);
}

TEST_P(DispatcherTest, RateLimitSpacesPartsOnThatModemOnly) {
  LoopbackDriver limited(1, 0ms);
  Enqueue(Msg("+1", {"a", "b", "c", "d"}));
  DispatcherOptions options = FastOptions("d");
  options.parts_per_minute[1] = 600;  // one part per 100 ms
  Dispatcher dispatcher(*store_, {&limited}, clock_, options);
  const auto started = std::chrono::steady_clock::now();
  dispatcher.Start();
  ASSERT_TRUE(WaitForCount(Folder::kSent, 1));
  const auto took = std::chrono::steady_clock::now() - started;
  dispatcher.Stop();
  EXPECT_EQ(limited.AcceptedCount(), 4u);
  EXPECT_GE(took, 300ms);  // three gaps of at least 100 ms between four parts (a lower bound only)
}

TEST_P(DispatcherTest, AModemOutOfServiceHandsItsPartSentMessagesOver) {
  StoreOptions store_options = testing::UtcOptions();
  store_options.backoff = {0s};
  Reopen(store_options);
  std::int64_t id = Enqueue(Msg("+1", {"one", "two", "three"}));
  // Modem 1 sent part 1, then lost contact while sending part 2.
  auto claim = Claim(kStart, 1);
  ASSERT_TRUE(claim.has_value());
  ASSERT_TRUE(*store_->MarkSubmitting(*claim, 1, 1));
  ASSERT_EQ(*store_->RecordOutcome(*claim, 1, 1, testing::Accepted(5), kStart), NextStep::kNextPart);
  ASSERT_TRUE(*store_->MarkSubmitting(*claim, 2, 1));
  ASSERT_EQ(
      *store_->RecordOutcome(*claim, 2, 1, testing::Failed(modem::SubmitErrorClass::kUnknown, {}), kStart),
      NextStep::kDone);

  LoopbackDriver one(1, 0ms), two(2, 0ms);
  std::atomic<bool> one_up{false};
  DispatcherOptions options = FastOptions("d");
  options.available = [&](int n) { return n != 1 || one_up.load(); };
  options.failover_after = 5s;
  Dispatcher dispatcher(*store_, {&one, &two}, clock_, options);
  dispatcher.Start();
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(CountIn(Folder::kOutbox), 1);  // before failover_after it waits for its modem
  clock_.Advance(5s);
  dispatcher.Wake();
  ASSERT_TRUE(WaitForCount(Folder::kSent, 1));
  dispatcher.Stop();
  EXPECT_TRUE(one.Records().empty());
  ASSERT_EQ(two.Records().size(), 3u);  // the whole message, from one originator
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(two.Records()[i].part.message_id, id);
    EXPECT_EQ(two.Records()[i].part.part_no, i + 1);
  }
}

OSPREY_INSTANTIATE_FOR_ENGINES(DispatcherTest);

}  // namespace
}  // namespace osprey::smsgw::queue
