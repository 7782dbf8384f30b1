// GroupCommit: a MessageSink in front of the Store that commits concurrent Enqueue calls together. With
// SQLite, every commit is one fsync (synchronous=FULL) or one WAL append (NORMAL); one commit for many
// requests is what keeps the accepted-message rate up when each request must be durable before its reply.
//
// How: callers queue their messages and sleep; one committer thread takes the queued requests (up to
// options.max_batch messages, but always at least one request) and writes them in ONE Store::Enqueue
// transaction, while later callers queue up behind it for the next batch. A lone caller is committed at once;
// batches grow as long as the previous commit takes, and under load (see GroupCommitOptions::delay) a little
// longer. The thread (rather than "the first caller leads", which this class did at first) never hands the
// lead to another sleeping thread between batches: on a loaded 2-core machine that wake-up was a gap between
// commits during which nothing was written (docs/performance.md).
//
// Results, per caller: exactly what Store::Enqueue would have answered for its own messages alone: the ids
// of its own messages, in order, after they are committed; nobody returns before its batch is committed.
//   - A batch that fails (kUnavailable, kInternal) fails every caller in it; nothing of it is stored.
//   - kInvalidArgument in a batch means some caller sent an invalid message: the batch is then retried one
//     caller per transaction, so only that caller gets kInvalidArgument and the others are stored.
// Every message of a batch is stored with the newest `now` among its callers (at most one commit later than
// the caller's own), so that one transaction has one insert time.
//
// Ownership: refers to `store`, which must outlive it; owns the committer thread (none when disabled).
// Thread rule: Enqueue may be called from any number of threads; the destructor only when no call is running.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::queue {

struct GroupCommitOptions {
  bool enabled = true;          // false: every Enqueue goes straight to the Store (its own transaction)
  std::size_t max_batch = 256;  // messages per transaction; a larger single request still goes alone
  // Under load (the previous batch carried more than one request), the committer first waits this long for
  // more callers to join its batch, as PostgreSQL's commit_delay does: fewer, larger transactions write
  // fewer WAL pages per message. Skipped while commits take longer than 4 × delay (synchronous=FULL: callers
  // gather during the fsync anyway). 0: commit at once.
  std::chrono::microseconds delay{0};
};

class GroupCommit final : public MessageSink {
 public:
  explicit GroupCommit(Store& store, GroupCommitOptions options = {});
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;
  ~GroupCommit() override;

  // See the file comment. An empty `messages` returns no ids at once.
  Result<std::vector<std::int64_t>> Enqueue(std::span<const NewMessage> messages,
                                            Clock::TimePoint now) override;

  // Transactions committed and the requests they carried (for benchmarks and tests). Thread-safe.
  struct Stats {
    std::uint64_t commits = 0;
    std::uint64_t requests = 0;
    std::chrono::nanoseconds committing{0};  // wall time spent inside Store::Enqueue
  };
  Stats stats() const;

 private:
  struct Request;
  void Run();  // the committer thread
  using Batch = std::vector<std::shared_ptr<Request>>;
  void CommitBatch(const Batch& batch);
  Batch TakeBatch();  // REQUIRES: mu_ held

  Store& store_;
  const GroupCommitOptions options_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<Request>> waiting_;       // GUARDED_BY(mu_): not yet taken by the committer
  std::condition_variable work_;                       // with mu_: wakes the committer
  bool committer_idle_ = false;                        // GUARDED_BY(mu_): the committer sleeps on work_
  bool stopping_ = false;                              // GUARDED_BY(mu_)
  std::size_t last_batch_ = 0;                         // GUARDED_BY(mu_): requests in the previous batch
  std::chrono::steady_clock::duration last_commit_{};  // GUARDED_BY(mu_): how long it took
  Stats stats_;                                        // GUARDED_BY(mu_)
  std::thread committer_;                              // last: starts after everything it uses
};

}  // namespace osprey::smsgw::queue
