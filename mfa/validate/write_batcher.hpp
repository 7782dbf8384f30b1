// WriteBatcher: runs the database writes of concurrent requests in shared transactions (group commit), so
// that each request's writes are durable before it replies without paying one commit (SQLite: one WAL append
// and fsync) per request. The design is smsgw/queue/group_commit's: callers queue a job and sleep; one
// committer thread takes every queued job (up to max_batch) and runs them in ONE Database::WithTransaction,
// while later callers queue up for the next batch. A lone caller is committed at once; under load (the
// previous batch held more than one job and committed quickly) the committer first waits `delay` for more
// jobs to join.
//
// Results, per caller: Run returns after the transaction that ran its job has committed (OkStatus), or with
// the error of its own job:
//   - A batch whose transaction fails (a job threw, or the commit failed) is rolled back entirely and retried
//   one
//     job per transaction, so only the job that throws fails (kInternal, with the exception's text; jobs must
//     not put secrets in exception texts) and the others are committed.
//   - kUnavailable when the database stays busy through Database's retries.
// A job may therefore run more than once (transaction retries, the job-by-job retry): it must be idempotent
// with respect to what it records outside the session (overwrite its outputs at the start of each run).
//
// Ownership: refers to `db`, which must outlive it; owns the committer thread (none when disabled).
// Thread rule: Run may be called from any number of threads; the destructor only when no Run is in progress.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "osprey/core/result.hpp"
#include "osprey/sql/database.hpp"

namespace osprey::mfa::validate {

struct WriteBatcherOptions {
  bool enabled = true;          // false: every Run is its own transaction on the calling thread
  std::size_t max_batch = 256;  // jobs per transaction
  // Under load, how long the committer waits for more jobs before committing (skipped while commits take
  // longer than 4 × delay). 0: commit at once.
  std::chrono::microseconds delay{0};
};

class WriteBatcher {
 public:
  using Job = std::function<void(soci::session&)>;

  explicit WriteBatcher(sql::Database& db, WriteBatcherOptions options = {});
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;
  ~WriteBatcher();

  // Runs `job` inside a transaction (possibly shared with other callers' jobs) and returns once it is
  // committed. See the file comment for errors.
  Status Run(const Job& job);

  struct Stats {
    std::uint64_t commits = 0;   // transactions that committed at least one job
    std::uint64_t jobs = 0;      // jobs committed
    std::uint64_t isolated = 0;  // batches that failed and were retried job by job
    std::chrono::nanoseconds committing{0};
  };
  Stats stats() const;

  // Bumped after every transaction that committed (before its callers return): a reader that saw the same
  // value before taking a snapshot and after acquiring what serialises its writes knows that no job of this
  // batcher has committed in between.
  std::uint64_t generation() const { return generation_.load(); }

 private:
  struct Request;
  void Loop();
  using Batch = std::vector<std::shared_ptr<Request>>;
  Batch TakeBatch();  // REQUIRES: mu_ held
  void CommitBatch(const Batch& batch);
  Status RunAlone(const Job& job);

  sql::Database& db_;
  const WriteBatcherOptions options_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<Request>> waiting_;       // GUARDED_BY(mu_)
  std::condition_variable work_;                       // with mu_: wakes the committer
  bool committer_idle_ = false;                        // GUARDED_BY(mu_)
  bool stopping_ = false;                              // GUARDED_BY(mu_)
  std::size_t last_batch_ = 0;                         // GUARDED_BY(mu_)
  std::chrono::steady_clock::duration last_commit_{};  // GUARDED_BY(mu_)
  Stats stats_;                                        // GUARDED_BY(mu_)
  std::atomic<std::uint64_t> generation_{0};
  std::thread committer_;  // last: starts after everything it uses
};

}  // namespace osprey::mfa::validate
