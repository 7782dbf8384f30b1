#include "mfa/validate/write_batcher.hpp"

#include <exception>
#include <string>

namespace osprey::mfa::validate {

// Shared by the caller and the committer, so that the committer may still touch `done` (notify) after the
// caller, seeing it set, has returned. Each request has its own mutex: waking a batch's callers does not make
// them queue for the committer's mu_. (Not std::atomic::wait: libstdc++ spins with sched_yield first, a
// system call per spin.)
struct WriteBatcher::Request {
  const Job* job = nullptr;
  Status result = Error(ErrorCode::kInternal, "not committed");  // written before `done` is set
  std::mutex mu;
  std::condition_variable wake;
  bool done = false;  // GUARDED_BY(mu)
};

WriteBatcher::WriteBatcher(sql::Database& db, WriteBatcherOptions options) : db_(db), options_(options) {
  if (options_.enabled) committer_ = std::thread([this] { Loop(); });
}

WriteBatcher::~WriteBatcher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_.notify_one();
  if (committer_.joinable()) committer_.join();
}

Status WriteBatcher::Run(const Job& job) {
  if (!options_.enabled) {
    Status status = RunAlone(job);
    if (status.ok()) ++generation_;
    std::lock_guard lock(mu_);
    if (status.ok()) {
      ++stats_.commits;
      ++stats_.jobs;
    }
    return status;
  }
  auto self = std::make_shared<Request>();
  self->job = &job;
  {
    std::lock_guard lock(mu_);
    waiting_.push_back(self);
    if (committer_idle_) work_.notify_one();
  }
  std::unique_lock wait(self->mu);
  self->wake.wait(wait, [&] { return self->done; });
  return std::move(self->result);
}

// A soci_error's what() quotes bound values; get_error_message() does not.
Status WriteBatcher::RunAlone(const Job& job) {
  try {
    return db_.WithTransaction(job);
  } catch (const soci::soci_error& e) {
    return Error(ErrorCode::kInternal, "write failed: " + e.get_error_message());
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, std::string("write failed: ") + e.what());
  }
}

void WriteBatcher::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    committer_idle_ = true;
    work_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
    committer_idle_ = false;
    if (waiting_.empty()) return;
    if (options_.delay.count() > 0 && last_batch_ > 1 && last_commit_ < 4 * options_.delay &&
        waiting_.size() < options_.max_batch && !stopping_) {
      work_.wait_for(lock, options_.delay, [&] { return stopping_; });
    }
    Batch batch = TakeBatch();
    last_batch_ = batch.size();
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    CommitBatch(batch);
    const auto took = std::chrono::steady_clock::now() - started;
    std::uint64_t committed = 0;
    for (const auto& r : batch) committed += r->result.ok() ? 1 : 0;
    if (committed > 0) ++generation_;
    {
      std::lock_guard stats_lock(mu_);
      last_commit_ = took;
      stats_.committing += std::chrono::duration_cast<std::chrono::nanoseconds>(took);
      stats_.jobs += committed;
    }
    for (const auto& r : batch) {  // outside mu_, so that the woken callers do not queue for it
      {
        std::lock_guard done_lock(r->mu);
        r->done = true;
      }
      r->wake.notify_one();
    }
    batch.clear();
    lock.lock();
  }
}

WriteBatcher::Batch WriteBatcher::TakeBatch() {
  Batch batch;
  while (!waiting_.empty() && batch.size() < options_.max_batch) {
    batch.push_back(waiting_.front());
    waiting_.pop_front();
  }
  return batch;
}

void WriteBatcher::CommitBatch(const Batch& batch) {
  if (batch.size() == 1) {
    batch[0]->result = RunAlone(*batch[0]->job);
    std::lock_guard lock(mu_);
    if (batch[0]->result.ok()) ++stats_.commits;
    return;
  }
  Status all = RunAlone([&](soci::session& s) {
    for (const auto& r : batch) (*r->job)(s);
  });
  if (all.ok()) {
    for (const auto& r : batch) r->result = OkStatus();
    std::lock_guard lock(mu_);
    ++stats_.commits;
    return;
  }
  if (all.error().code() == ErrorCode::kUnavailable) {
    // The database itself is unavailable (busy past the retries, unreachable): every job would fail alike.
    for (const auto& r : batch) r->result = all;
    return;
  }
  // Some job threw and nothing of the batch is stored: give each job its own transaction, so that only the
  // failing one hears about it.
  std::uint64_t commits = 0;
  for (const auto& r : batch) {
    r->result = RunAlone(*r->job);
    if (r->result.ok()) ++commits;
  }
  std::lock_guard lock(mu_);
  stats_.commits += commits;
  ++stats_.isolated;
}

WriteBatcher::Stats WriteBatcher::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace osprey::mfa::validate
