#include "mfa/validate/write_batcher.hpp"

#include <exception>
#include <string>

namespace osprey::mfa::validate {

struct WriteBatcher::Request {
  const Job* job = nullptr;
  Status result = Error(ErrorCode::kInternal, "not committed");
  bool done = false;             // GUARDED_BY(mu_)
  std::condition_variable wake;  // with mu_
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
    std::lock_guard lock(mu_);
    if (status.ok()) {
      ++stats_.commits;
      ++stats_.jobs;
    }
    return status;
  }
  Request self;
  self.job = &job;
  std::unique_lock lock(mu_);
  waiting_.push_back(&self);
  if (committer_idle_) work_.notify_one();
  self.wake.wait(lock, [&] { return self.done; });
  return std::move(self.result);
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
    std::vector<Request*> batch = TakeBatch();
    last_batch_ = batch.size();
    lock.unlock();
    const auto started = std::chrono::steady_clock::now();
    CommitBatch(batch);
    const auto took = std::chrono::steady_clock::now() - started;
    lock.lock();
    last_commit_ = took;
    stats_.committing += std::chrono::duration_cast<std::chrono::nanoseconds>(took);
    for (Request* r : batch) {
      if (r->result.ok()) ++stats_.jobs;
      r->done = true;
      r->wake.notify_one();  // under the lock: the caller may destroy its Request once it sees `done`
    }
  }
}

std::vector<WriteBatcher::Request*> WriteBatcher::TakeBatch() {
  std::vector<Request*> batch;
  while (!waiting_.empty() && batch.size() < options_.max_batch) {
    batch.push_back(waiting_.front());
    waiting_.pop_front();
  }
  return batch;
}

void WriteBatcher::CommitBatch(const std::vector<Request*>& batch) {
  if (batch.size() == 1) {
    batch[0]->result = RunAlone(*batch[0]->job);
    std::lock_guard lock(mu_);
    if (batch[0]->result.ok()) ++stats_.commits;
    return;
  }
  Status all = RunAlone([&](soci::session& s) {
    for (const Request* r : batch) (*r->job)(s);
  });
  if (all.ok()) {
    for (Request* r : batch) r->result = OkStatus();
    std::lock_guard lock(mu_);
    ++stats_.commits;
    return;
  }
  if (all.error().code() == ErrorCode::kUnavailable) {
    // The database itself is unavailable (busy past the retries, unreachable): every job would fail alike.
    for (Request* r : batch) r->result = all;
    return;
  }
  // Some job threw and nothing of the batch is stored: give each job its own transaction, so that only the
  // failing one hears about it.
  std::uint64_t commits = 0;
  for (Request* r : batch) {
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
