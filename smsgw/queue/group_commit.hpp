// GroupCommit: a MessageSink in front of the Store that commits concurrent Enqueue calls together. With
// SQLite, every commit is one fsync (synchronous=FULL) or one WAL append (NORMAL); one commit for many
// requests is what keeps the accepted-message rate up when each request must be durable before its reply.
//
// How: callers queue their messages; whichever caller finds no commit in progress becomes the leader, takes
// the queued requests (up to options.max_batch messages, but always at least one request) and writes them in
// ONE Store::Enqueue transaction on its own thread, while later callers queue up behind it for the next
// batch. No thread of its own, no timer: a lone caller commits at once, and batches grow only as long as the
// previous commit takes.
//
// Results, per caller: exactly what Store::Enqueue would have answered for its own messages alone: the ids
// of its own messages, in order, after they are committed; nobody returns before its batch is committed.
//   - A batch that fails (kUnavailable, kInternal) fails every caller in it; nothing of it is stored.
//   - kInvalidArgument in a batch means some caller sent an invalid message: the batch is then retried one
//     caller per transaction, so only that caller gets kInvalidArgument and the others are stored.
// Every message of a batch is stored with the newest `now` among its callers (at most one commit later than
// the caller's own), so that one transaction has one insert time.
//
// Ownership: refers to `store`, which must outlive it.
// Thread rule: Enqueue may be called from any number of threads; the destructor only when no call is running.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <vector>

#include "smsgw/queue/store.hpp"

namespace osprey::smsgw::queue {

struct GroupCommitOptions {
  bool enabled = true;          // false: every Enqueue goes straight to the Store (its own transaction)
  std::size_t max_batch = 256;  // messages per transaction; a larger single request still goes alone
};

class GroupCommit final : public MessageSink {
 public:
  explicit GroupCommit(Store& store, GroupCommitOptions options = {});
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // See the file comment. An empty `messages` returns no ids at once.
  Result<std::vector<std::int64_t>> Enqueue(std::span<const NewMessage> messages,
                                            Clock::TimePoint now) override;

  // Transactions committed and the requests they carried (for benchmarks and tests). Thread-safe.
  struct Stats {
    std::uint64_t commits = 0;
    std::uint64_t requests = 0;
  };
  Stats stats() const;

 private:
  struct Request;
  void CommitBatch(const std::vector<Request*>& batch);
  std::vector<Request*> TakeBatch();  // REQUIRES: mu_ held

  Store& store_;
  const GroupCommitOptions options_;
  mutable std::mutex mu_;
  std::condition_variable done_cv_;
  std::deque<Request*> waiting_;  // GUARDED_BY(mu_): requests not yet taken by a leader
  bool committing_ = false;       // GUARDED_BY(mu_): a leader is writing a batch
  Stats stats_;                   // GUARDED_BY(mu_)
};

}  // namespace osprey::smsgw::queue
